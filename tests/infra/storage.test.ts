/** The Images table and the images bucket, as docs/contracts.md and DESIGN §4 describe them. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { imagesTable } from '../../local/providers/dynamodb/tables.ts';
import { resourcesOfType, template } from './synthesized.ts';

describe('Images table', () => {
  it('is keyed by owner and id, on demand, with PITR, TTL and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: names.table,
      KeySchema: [
        { AttributeName: 'owner', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAtEpoch', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('has the byOwnerStatus and the sparse byStatus indexes with their keys', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayEquals([
        {
          IndexName: names.indexes.byOwnerStatus,
          KeySchema: [
            { AttributeName: 'ownerStatus', KeyType: 'HASH' },
            { AttributeName: 'id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: names.indexes.byStatus,
          KeySchema: [
            { AttributeName: 'statusKey', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
  });
});

describe('the local stack’s Images table', () => {
  it('has the cloud table’s keys, attribute types and indexes', () => {
    const [, cloud] = resourcesOfType('AWS::DynamoDB::Table').find(
      ([, table]) => table.Properties?.TableName === names.table,
    ) ?? ['', { Type: '' }];
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[] | undefined) =>
      [...(list ?? [])].sort((a, b) =>
        String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
      );
    const shape = (table: Record<string, unknown>) => ({
      KeySchema: table.KeySchema,
      AttributeDefinitions: byName(table.AttributeDefinitions as { AttributeName: string }[]),
      GlobalSecondaryIndexes: byName(
        (
          table.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[]
        ).map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
      ),
    });

    expect(shape({ ...imagesTable })).toEqual(shape(cloud.Properties ?? {}));
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

  it('accepts browser POSTs through CORS', () => {
    expect(props.CorsConfiguration).toEqual({
      CorsRules: [
        expect.objectContaining({
          AllowedMethods: expect.arrayContaining(['POST', 'PUT', 'GET', 'HEAD']),
          AllowedOrigins: ['*'],
        }),
      ],
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
