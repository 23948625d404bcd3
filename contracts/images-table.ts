/**
 * The Images table, described once and free of any SDK: infra/storage.ts builds the CDK Table from
 * this spec and local/providers/dynamodb/tables.ts builds DynamoDB Local's CreateTable input and
 * its TTL housekeeping from the same object.
 */
import { imageAttributes } from './image-item.ts';
import { names } from './names.ts';

/** DynamoDB's scalar key types. */
export type KeyAttributeType = 'S' | 'N' | 'B';

export interface KeySpec {
  name: string;
  type: KeyAttributeType;
}

export interface IndexSpec {
  indexName: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableSpec {
  tableName: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  billingMode: 'PAY_PER_REQUEST';
  /** The attribute DynamoDB's TTL reads (epoch seconds); absent when items never expire. */
  timeToLiveAttribute?: string;
  globalSecondaryIndexes: readonly IndexSpec[];
}

const string = (name: string): KeySpec => ({ name, type: 'S' });

/**
 * pk owner, sk id (a ULID: newest first is a reverse Query); GSI byOwnerStatus lists one owner's
 * images of one status; the sparse GSI byStatus lists PROCESSING and FLAGGED images across owners;
 * the sparse GSI byOwnerContent finds an owner's processed images by the original's SHA-256.
 */
export const imagesTable = {
  tableName: names.table,
  partitionKey: string(imageAttributes.owner),
  sortKey: string(imageAttributes.id),
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: imageAttributes.expiresAtEpoch,
  globalSecondaryIndexes: [
    {
      indexName: names.indexes.byOwnerStatus,
      partitionKey: string(imageAttributes.ownerStatus),
      sortKey: string(imageAttributes.id),
      projection: 'ALL',
    },
    {
      indexName: names.indexes.byStatus,
      partitionKey: string(imageAttributes.statusKey),
      sortKey: string(imageAttributes.updatedAt),
      projection: 'ALL',
    },
    {
      // Sparse and keys only: inspect needs just the id, then reads the item itself (consistently).
      indexName: names.indexes.byOwnerContent,
      partitionKey: string(imageAttributes.ownerContent),
      sortKey: string(imageAttributes.id),
      projection: 'KEYS_ONLY',
    },
  ],
} as const satisfies TableSpec;

/** Every key attribute of the table and its indexes, once each (CreateTable's AttributeDefinitions). */
export function keyAttributes(table: TableSpec): KeySpec[] {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const byName = new Map<string, KeySpec>();
  for (const key of keys) {
    if (!key) continue;
    const known = byName.get(key.name);
    if (known && known.type !== key.type) {
      throw new Error(`${table.tableName}: key attribute ${key.name} is both ${known.type} and ${key.type}`);
    }
    byName.set(key.name, key);
  }
  return [...byName.values()];
}
