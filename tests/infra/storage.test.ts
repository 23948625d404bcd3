/** The Images table and the images bucket, built from their specs in contracts/ (docs/contracts.md). */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { anyOrigin, uploadBucketCors } from '../../contracts/bucket-cors.ts';
import { imagesTable, type KeySpec, keyAttributes, type TableSpec } from '../../contracts/images-table.ts';
import { createTableInput } from '../../local/providers/dynamodb/tables.ts';
import { resourcesOfType, template } from './synthesized.ts';

/** CloudFormation's (and CreateTable's) view of a table, derived from a spec; lists sorted by name. */
function tableShape(spec: TableSpec) {
  const keySchema = (partitionKey: KeySpec, sortKey?: KeySpec) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
  ];
  return {
    TableName: spec.tableName,
    BillingMode: spec.billingMode,
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    AttributeDefinitions: sortedBy(
      'AttributeName',
      keyAttributes(spec).map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    ),
    GlobalSecondaryIndexes: sortedBy(
      'IndexName',
      spec.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection },
      })),
    ),
  };
}

/** The same view of a built table (the CDK template's or the local CreateTable input). */
function builtShape(table: Record<string, unknown>) {
  const indexes = (table.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
  return {
    TableName: table.TableName,
    BillingMode: table.BillingMode,
    KeySchema: table.KeySchema,
    AttributeDefinitions: sortedBy(
      'AttributeName',
      (table.AttributeDefinitions ?? []) as Record<string, unknown>[],
    ),
    GlobalSecondaryIndexes: sortedBy(
      'IndexName',
      indexes.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
    ),
  };
}

function sortedBy<T extends Record<string, unknown>>(field: string, list: T[]): T[] {
  return [...list].sort((a, b) => String(a[field]).localeCompare(String(b[field])));
}

const [, cloudTable] = resourcesOfType('AWS::DynamoDB::Table').find(
  ([, table]) => table.Properties?.TableName === imagesTable.tableName,
) ?? ['', { Type: '' }];

describe('Images table', () => {
  it('is built from contracts/images-table.ts in the cloud and locally', () => {
    const expected = tableShape(imagesTable);

    expect(builtShape(cloudTable.Properties ?? {})).toEqual(expected);
    expect(builtShape({ ...createTableInput(imagesTable) })).toEqual(expected);
  });

  it('expires items by the spec’s TTL attribute, with PITR and encryption in the cloud', () => {
    expect(cloudTable.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: imagesTable.timeToLiveAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('images bucket', () => {
  const [bucketId, bucket] = resourcesOfType('AWS::S3::Bucket').find(
    ([, r]) =>
      (r.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
  ) ?? ['', { Type: '' }];
  const props = bucket.Properties ?? {};

  it('is private, encrypted, versioned and sends its events to EventBridge', () => {
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(props.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: expect.any(String) } });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('accepts browser POSTs through the CORS rule of contracts/bucket-cors.ts', () => {
    // cdk.json names no corsOrigins: any origin, as the local bucket.
    expect(props.CorsConfiguration).toEqual({
      CorsRules: uploadBucketCors(anyOrigin).map((rule) => ({
        AllowedMethods: rule.allowedMethods,
        AllowedOrigins: rule.allowedOrigins,
        AllowedHeaders: rule.allowedHeaders,
        ExposedHeaders: rule.exposedHeaders,
        MaxAge: rule.maxAgeSeconds,
      })),
    });
    expect(props.CorsConfiguration).toEqual({
      CorsRules: [expect.objectContaining({ AllowedOrigins: ['*'] })],
    });
  });

  it('aborts stale multipart uploads, expires old versions and tiers originals', () => {
    const rules = (props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
        expect.objectContaining({
          Prefix: 'uploads/',
          Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }],
        }),
      ]),
    );
  });

  it('expires quarantined originals under their own rule', () => {
    const rules = (props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'quarantine/',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      }),
    );
  });
});
