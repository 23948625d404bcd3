/**
 * The AppSync GraphQL API: schema.graphql, Cognito user pools by default and IAM for the pipeline,
 * logging and X-Ray, the data sources of contracts/data-sources.ts, and every resolver of the catalog.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiAuth } from '../contracts/api-auth.ts';
import { type DataSourceSpec, listDataSources } from '../contracts/data-sources.ts';
import type { FunctionId } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';
import { queryLimits } from '../contracts/query-limits.ts';
import { bundleResolverCode, listResolvers, type ResolverEntry } from '../resolvers/catalog.ts';
import { assertFieldsExist, readSchema } from './schema-fields.ts';

/** contracts/api-auth.ts's additional modes as CDK names them (no user pool config needed). */
const additionalModeTypes: Record<(typeof apiAuth.additionalModes)[number], appsync.AuthorizationType> = {
  AWS_IAM: appsync.AuthorizationType.IAM,
};

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const schemaPath = path.join(root, 'schema.graphql');

export interface ApiProps {
  userPool: cognito.IUserPool;
  /** ERROR in production; ALL logs every resolver's request and response (costly, for debugging). */
  fieldLogLevel: appsync.FieldLogLevel;
}

/** What the data sources of contracts/data-sources.ts point at: tables by name, functions by id. */
export interface ResolverSources {
  tables: Readonly<Record<string, dynamodb.ITable>>;
  functions: Readonly<Partial<Record<FunctionId, lambda.IFunction>>>;
}

export class Api extends Construct {
  readonly graphqlApi: appsync.GraphqlApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.graphqlApi = new appsync.GraphqlApi(this, 'GraphqlApi', {
      name: names.api,
      // AppSync predeclares the AWS scalars and directives: aws.graphql is for codegen only.
      definition: appsync.Definition.fromFile(schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          userPoolConfig: { userPool: props.userPool },
        },
        additionalAuthorizationModes: apiAuth.additionalModes.map((mode) => ({
          authorizationType: additionalModeTypes[mode],
        })),
      },
      // Verbose content (headers, context) is what makes the logs useful when debugging a resolver.
      logConfig: {
        fieldLogLevel: props.fieldLogLevel,
        excludeVerboseContent: false,
        retention: logs.RetentionDays.ONE_MONTH,
      },
      xrayEnabled: true,
      // The same numbers the local stack enforces: AppSync's defaults (no depth limit, 10,000
      // resolvers) let one request of 1,000 aliased fields through.
      queryDepthLimit: queryLimits.queryDepthLimit,
      resolverCountLimit: queryLimits.resolverCountLimit,
    });
  }

  /** Adds the data sources and attaches every resolver the catalog lists; throws on an unknown field. */
  attachResolvers(sources: ResolverSources, resolvers: ResolverEntry[] = listResolvers()): void {
    assertFieldsExist(resolvers, readSchema(schemaPath));
    const api = this.graphqlApi;
    const dataSources = Object.fromEntries(
      listDataSources().map(([name, spec]) => [name, this.addDataSource(name, spec, sources)]),
    );
    const dataSource = (name: string, where: string): appsync.BaseDataSource => {
      const found = dataSources[name];
      if (!found) throw new Error(`${where}: unknown data source "${name}"`);
      return found;
    };

    for (const entry of resolvers) {
      const field = `${entry.typeName}.${entry.fieldName}`;
      const id = `${entry.typeName}${entry.fieldName[0]?.toUpperCase()}${entry.fieldName.slice(1)}`;
      const common = {
        api,
        typeName: entry.typeName,
        fieldName: entry.fieldName,
        runtime: appsync.FunctionRuntime.JS_1_0_0,
        code: appsync.Code.fromInline(bundleResolverCode(entry.source)),
        ...(entry.maxBatchSize === undefined ? {} : { maxBatchSize: entry.maxBatchSize }),
      };
      if (entry.kind === 'pipeline') {
        const pipelineConfig = entry.functions.map(
          (fn) =>
            new appsync.AppsyncFunction(this, `${id}${fn.name}`, {
              api,
              // AppSync function names are unique per API and [_A-Za-z][_0-9A-Za-z]*.
              name: `${entry.typeName}_${entry.fieldName}_${fn.name}`.replace(/[^_0-9A-Za-z]/g, '_'),
              dataSource: dataSource(fn.dataSource, `${field} function ${fn.name}`),
              runtime: appsync.FunctionRuntime.JS_1_0_0,
              code: appsync.Code.fromInline(bundleResolverCode(fn.source)),
            }),
        );
        new appsync.Resolver(this, id, { ...common, pipelineConfig });
      } else {
        if (!entry.dataSource) throw new Error(`${field}: a unit resolver needs a data source`);
        new appsync.Resolver(this, id, { ...common, dataSource: dataSource(entry.dataSource, field) });
      }
    }
  }

  /** One data source of the spec, pointing at the stack's table or function it names. */
  private addDataSource(
    name: string,
    spec: DataSourceSpec,
    sources: ResolverSources,
  ): appsync.BaseDataSource {
    const api = this.graphqlApi;
    switch (spec.kind) {
      case 'NONE':
        return api.addNoneDataSource(name);
      case 'AMAZON_DYNAMODB': {
        const table = sources.tables[spec.tableName];
        if (!table) throw new Error(`data source ${name}: no table ${spec.tableName} in the stack`);
        return api.addDynamoDbDataSource(name, table);
      }
      case 'AWS_LAMBDA': {
        const fn = sources.functions[spec.functionId];
        if (!fn) throw new Error(`data source ${name}: no function ${spec.functionId} in the stack`);
        return api.addLambdaDataSource(name, fn);
      }
    }
  }
}
