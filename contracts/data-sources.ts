/**
 * The AppSync data sources, wired once: which name is the Images table, which is NONE and which
 * invokes which function. infra/api.ts adds each to the GraphQL API from this spec and the local
 * AppSync provider registers its adapters from the same object; resolvers name them in their
 * file names (`Query.getImage.[images].ts`).
 */
import type { FunctionId } from './function-specs.ts';
import { names } from './names.ts';

export type DataSourceSpec =
  | { kind: 'AMAZON_DYNAMODB'; tableName: string }
  | { kind: 'NONE' }
  | { kind: 'AWS_LAMBDA'; functionId: FunctionId };

export type DataSourceName = (typeof names.dataSources)[keyof typeof names.dataSources];

export const dataSourceSpecs = {
  [names.dataSources.images]: { kind: 'AMAZON_DYNAMODB', tableName: names.table },
  [names.dataSources.none]: { kind: 'NONE' },
  [names.dataSources.createUpload]: { kind: 'AWS_LAMBDA', functionId: 'createUpload' },
  [names.dataSources.deleteImage]: { kind: 'AWS_LAMBDA', functionId: 'deleteImage' },
  [names.dataSources.signUrls]: { kind: 'AWS_LAMBDA', functionId: 'signUrls' },
  [names.dataSources.reviewImage]: { kind: 'AWS_LAMBDA', functionId: 'reviewImage' },
} as const satisfies Record<DataSourceName, DataSourceSpec>;

/** Every data source, by name. */
export function listDataSources(): Array<[DataSourceName, DataSourceSpec]> {
  return Object.entries(dataSourceSpecs) as Array<[DataSourceName, DataSourceSpec]>;
}
