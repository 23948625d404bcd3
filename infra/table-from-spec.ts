/** Builds a CDK DynamoDB Table from a contracts/ table spec, adding only what exists in the cloud alone. */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { KeySpec, TableSpec } from '../contracts/images-table.ts';

const attributeTypes = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

const key = (spec: KeySpec): dynamodb.Attribute => ({ name: spec.name, type: attributeTypes[spec.type] });

/** The spec's keys, billing, TTL and indexes; `cloudOnly` adds PITR, encryption, removal policy. */
export type CloudOnlyTableProps = Omit<
  dynamodb.TableProps,
  'tableName' | 'partitionKey' | 'sortKey' | 'billingMode' | 'timeToLiveAttribute'
>;

export function tableFromSpec(
  scope: Construct,
  id: string,
  spec: TableSpec,
  cloudOnly: CloudOnlyTableProps,
): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    ...cloudOnly,
    tableName: spec.tableName,
    partitionKey: key(spec.partitionKey),
    ...(spec.sortKey ? { sortKey: key(spec.sortKey) } : {}),
    billingMode: dynamodb.BillingMode[spec.billingMode],
    ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
  });
  for (const index of spec.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: key(index.partitionKey),
      ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
      projectionType: dynamodb.ProjectionType[index.projection],
    });
  }
  return table;
}
