/** Builds the local adapter for one data source of contracts/data-sources.ts. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DataSourceSpec } from '../../../../contracts/data-sources.ts';
import { functionSpecs, liveFunctionName } from '../../../../contracts/function-specs.ts';
import { DynamoDbDataSource } from './dynamodb.ts';
import { type InvokeLambda, LambdaDataSource } from './lambda.ts';
import { NoneDataSource } from './none.ts';
import type { DataSource } from './registry.ts';

export interface DataSourceTargets {
  /** A getter: the DynamoDB client exists only once the provider has started. */
  dynamodb: () => DynamoDBClient;
  invokeLambda: InvokeLambda;
}

export function dataSourceOf(name: string, spec: DataSourceSpec, targets: DataSourceTargets): DataSource {
  switch (spec.kind) {
    case 'NONE':
      return new NoneDataSource(name);
    case 'AMAZON_DYNAMODB':
      return new DynamoDbDataSource(name, spec.tableName, targets.dynamodb);
    case 'AWS_LAMBDA':
      // The live alias, as the CDK app's data source names it: the local Lambda answers for it.
      return new LambdaDataSource(
        name,
        liveFunctionName(functionSpecs[spec.functionId].functionName),
        targets.invokeLambda,
      );
  }
}
