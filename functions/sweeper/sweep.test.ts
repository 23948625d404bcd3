import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { flow, retryHorizonSeconds } from '../../contracts/flow.ts';
import type { AppSyncClient } from '../shared/appsync-client.ts';
import { PublishFailedError } from '../shared/errors.ts';
import { aStoredImage } from '../test-support/stored-images.ts';
import { hasNoRetryLeft, type SweepDeps, sweep } from './sweep.ts';

const now = new Date('2026-11-24T10:00:00.000Z');
const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const topicArn = 'arn:aws:sns:us-east-1:000000000000:image-processed';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const sns = new SNSClient({ region: 'us-east-1' });
const dynamoMock = mockClient(documents);
const snsMock = mockClient(sns);
const s3 = new S3Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);

/** PROCESSING items as the byStatus index holds them, `secondsAgo` since their last update. */
function aProcessingImage(id: string, secondsAgo: number) {
  return aStoredImage('PROCESSING', {
    owner,
    id,
    updatedAt: new Date(now.getTime() - secondsAgo * 1000).toISOString(),
  });
}

/** Answers the byStatus Query as DynamoDB would: the key condition applied, one item per page. */
function stubByStatusIndex(items: Array<Record<string, unknown>>) {
  dynamoMock.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const cutoff = String(input.ExpressionAttributeValues?.[':cutoff']);
    const matching = items
      .filter(
        (item) =>
          item.statusKey ===
          (input.ExpressionAttributeValues?.[':statusKey'] ??
            input.ExpressionAttributeValues?.[':processing']),
      )
      .filter((item) => String(item.updatedAt) < cutoff)
      .sort((a, b) => String(a.updatedAt).localeCompare(String(b.updatedAt)));
    const start = input.ExclusiveStartKey
      ? matching.findIndex((item) => item.id === input.ExclusiveStartKey?.id) + 1
      : 0;
    const page = matching.slice(start, start + 1);
    const last = page[0];
    return {
      Items: page,
      ...(last && start + 1 < matching.length
        ? { LastEvaluatedKey: { owner, id: last.id, statusKey: last.statusKey, updatedAt: last.updatedAt } }
        : {}),
    };
  });
}

/** A terminal item whose announcement was never recorded, `secondsAgo` since it was saved. */
function anUnannouncedImage(id: string, secondsAgo: number) {
  const at = new Date(now.getTime() - secondsAgo * 1000).toISOString();
  return {
    ...aStoredImage('COMPLETED', { owner, id, updatedAt: at }),
    statusKey: 'UNANNOUNCED',
    processedAt: at,
  };
}

function aRecordingAppSync(failFor: string[] = [], status = 'FAILED') {
  const published: Array<Record<string, unknown>> = [];
  const appsync: AppSyncClient = {
    async request<T>(_query: string, variables: Record<string, unknown>): Promise<T> {
      if (failFor.includes(String(variables.id))) throw new PublishFailedError('HTTP 503 three times');
      published.push(variables);
      return { publishImageProcessed: { ...variables, status, processedAt: now.toISOString() } } as T;
    },
  };
  return { appsync, published };
}

function aSweep(appsync: AppSyncClient, metrics: Metrics): SweepDeps {
  const silent = { info: () => {}, warn: () => {}, error: () => {} };
  return {
    documents,
    sns,
    s3,
    bucket: 'darkroom-images-test',
    appsync,
    tableName: 'Images',
    topicArn,
    timeoutSeconds: 300,
    now: () => now,
    logger: silent,
    metrics,
  };
}

function itemsSwept(metrics: Metrics): unknown {
  return (metrics.serializeMetrics() as unknown as Record<string, unknown>).ItemsSwept;
}

/** Ids the sweep marked FAILED (the announcement records are updates too, of publishedAt). */
const updatedIds = () =>
  dynamoMock
    .commandCalls(UpdateCommand)
    .filter((call) => call.args[0].input.UpdateExpression?.startsWith('SET #status'))
    .map((call) => call.args[0].input.Key?.id);

beforeEach(() => {
  dynamoMock.reset();
  snsMock.reset();
  s3Mock.reset();
  s3Mock.on(ListObjectVersionsCommand).resolves({});
});

describe('sweep', () => {
  it('fails, publishes and announces only images PROCESSING longer than the timeout', async () => {
    // Prepare
    stubByStatusIndex([
      aProcessingImage('stuck-1', 900),
      aProcessingImage('recent', 60),
      aProcessingImage('stuck-2', 301),
      aProcessingImage('at-the-limit', 300),
    ]);
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { appsync, published } = aRecordingAppSync();
    const metrics = new Metrics({ namespace: 'darkroom', serviceName: 'darkroom-sweeper' });

    // Act
    const result = await sweep(aSweep(appsync, metrics));

    // Assess
    expect(result).toEqual({ swept: 2, announced: 0 });
    expect(updatedIds()).toEqual(['stuck-1', 'stuck-2']);
    const query = dynamoMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({ IndexName: 'byStatus', TableName: 'Images' });
    expect(query?.ExpressionAttributeValues?.[':cutoff']).toBe('2026-11-24T09:55:00.000Z');
    const update = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe(
      'attribute_exists(#id) AND #status IN (:from0) AND #updatedAt < :updatedBefore',
    );
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':from0': 'PROCESSING',
      ':updatedBefore': '2026-11-24T09:55:00.000Z',
      ':failed': 'FAILED',
      ':error': { code: 'ProcessingTimeout', message: expect.stringMatching(/can be retried/) },
    });
    expect(published).toEqual([
      { owner, id: 'stuck-1' },
      { owner, id: 'stuck-2' },
    ]);
    const notes = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({
      TopicArn: topicArn,
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'FAILED' },
        owner: { DataType: 'String', StringValue: owner },
      },
    });
    expect(JSON.parse(notes[0]?.Message ?? '{}')).toEqual({
      owner,
      id: 'stuck-1',
      status: 'FAILED',
      dedupeKey: `stuck-1#FAILED#${now.toISOString()}`,
    });
    expect(itemsSwept(metrics)).toBe(2);
    expect(metrics.serializeMetrics()._aws.CloudWatchMetrics[0]?.Namespace).toBe('darkroom');
  });

  it('deletes every thumbnail version a timed-out execution left under an image it fails, and only then announces it', async () => {
    // Prepare
    stubByStatusIndex([aProcessingImage('late', 900)]);
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const left = [
      { Key: `thumbnails/${owner}/late/small-0123456789abcdef.jpg`, VersionId: 'tv-1' },
      { Key: `thumbnails/${owner}/late/large-0123456789abcdef.webp`, VersionId: 'tv-2' },
    ];
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: left });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const { appsync } = aRecordingAppSync();

    // Act
    const result = await sweep(aSweep(appsync, new Metrics({ namespace: 'darkroom' })));

    // Assess
    expect(result.swept).toBe(1);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'darkroom-images-test',
      Prefix: `thumbnails/${owner}/late/`,
    });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual(left);
    const marked = dynamoMock.commandCalls(UpdateCommand)[0];
    const purged = s3Mock.commandCalls(DeleteObjectsCommand)[0];
    const announced = snsMock.commandCalls(PublishCommand)[0];
    // Marked first: a thumbnails call finishing later sees FAILED and removes its own writes.
    expect(marked && purged && marked.calledBefore(purged)).toBe(true);
    expect(purged && announced && purged.calledBefore(announced)).toBe(true);
  });

  it('carries on past an image it cannot mark or publish', async () => {
    // Prepare
    stubByStatusIndex([
      aProcessingImage('throttled', 1000),
      aProcessingImage('unpublishable', 900),
      aProcessingImage('fine', 800),
    ]);
    dynamoMock
      .on(UpdateCommand)
      .resolves({})
      .on(UpdateCommand, { Key: { owner, id: 'throttled' } })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { appsync, published } = aRecordingAppSync(['unpublishable']);
    const metrics = new Metrics({ namespace: 'darkroom', serviceName: 'darkroom-sweeper' });

    // Act
    const result = await sweep(aSweep(appsync, metrics));

    // Assess
    expect(result).toEqual({ swept: 2, announced: 0 });
    expect(updatedIds()).toEqual(['throttled', 'unpublishable', 'fine']);
    expect(published).toEqual([{ owner, id: 'fine' }]);
    // The unpublishable image is FAILED but stays UNANNOUNCED: the next sweep announces it.
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(itemsSwept(metrics)).toBe(2);
    expect((metrics.serializeMetrics() as unknown as Record<string, unknown>).SweepErrors).toBe(2);
  });

  it('leaves an image that finished while the index was being read', async () => {
    // Prepare
    stubByStatusIndex([aProcessingImage('raced', 600)]);
    dynamoMock
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const { appsync, published } = aRecordingAppSync();
    const metrics = new Metrics({ namespace: 'darkroom', serviceName: 'darkroom-sweeper' });

    // Act
    const result = await sweep(aSweep(appsync, metrics));

    // Assess
    expect(result).toEqual({ swept: 0, announced: 0 });
    expect(published).toEqual([]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(itemsSwept(metrics)).toBe(0);
  });

  it('announces terminal images left unannounced past the grace period, through the byStatus index', async () => {
    // Prepare: an execution died after SaveResult; another image was saved a moment ago
    stubByStatusIndex([anUnannouncedImage('orphaned', 600), anUnannouncedImage('just-saved', 5)]);
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { appsync, published } = aRecordingAppSync([], 'COMPLETED');
    const metrics = new Metrics({ namespace: 'darkroom', serviceName: 'darkroom-sweeper' });

    // Act
    const result = await sweep(aSweep(appsync, metrics));

    // Assess
    expect(result).toEqual({ swept: 0, announced: 1 });
    expect(published).toEqual([{ owner, id: 'orphaned' }]);
    const queries = dynamoMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((q) => [q.IndexName, q.ExpressionAttributeValues?.[':statusKey']])).toContainEqual([
      'byStatus',
      'UNANNOUNCED',
    ]);
    const note = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(JSON.parse(note?.Message ?? '{}')).toMatchObject({ id: 'orphaned', status: 'COMPLETED' });
    const record = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(record?.UpdateExpression).toBe('SET publishedAt = :now REMOVE statusKey');
  });
});

describe('the sweeper and the lease', () => {
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  it('never fails an image whose message can still come back and claim it', () => {
    expect(hasNoRetryLeft({ owner, id: 'a', leasedAt: ago(900), leaseAttempt: 3 }, now)).toBe(false);
    expect(hasNoRetryLeft({ owner, id: 'b', leasedAt: ago(900), leaseAttempt: 0 }, now)).toBe(false);
  });

  it('fails one whose last receive died, one silent for the whole retry horizon, and one with no lease', () => {
    const last = { owner, id: 'c', leasedAt: ago(400), leaseAttempt: flow.maxReceiveCount };
    const silent = { owner, id: 'd', leasedAt: ago(retryHorizonSeconds() + 1), leaseAttempt: 4 };
    expect(hasNoRetryLeft(last, now)).toBe(true);
    expect(hasNoRetryLeft(silent, now)).toBe(true);
    expect(hasNoRetryLeft({ owner, id: 'e' }, now)).toBe(true);
  });

  it('sweeps only the images with no retry left', async () => {
    stubByStatusIndex([
      { ...aProcessingImage('retrying', 900), leasedAt: ago(900), leaseAttempt: 2 },
      { ...aProcessingImage('last-receive', 900), leasedAt: ago(900), leaseAttempt: flow.maxReceiveCount },
    ]);
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { appsync, published } = aRecordingAppSync();
    const metrics = new Metrics({ namespace: 'darkroom', serviceName: 'darkroom-sweeper' });

    const result = await sweep(aSweep(appsync, metrics));

    expect(result).toEqual({ swept: 1, announced: 0 });
    expect(updatedIds()).toEqual(['last-receive']);
    expect(published).toEqual([{ owner, id: 'last-receive' }]);
  });
});
