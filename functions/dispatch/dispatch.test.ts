import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flow } from '../../contracts/flow.ts';
import { objectCreated } from '../../tests/object-created.ts';
import { type AttemptOutcome, decide, dispatchRecord, executionInput, imageKeyOf } from './dispatch.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const now = new Date('2026-11-24T09:00:00.000Z');
const sfn = new SFNClient({ region: 'us-east-1' });
const sqs = new SQSClient({ region: 'us-east-1' });
const sns = new SNSClient({ region: 'us-east-1' });
const s3 = new S3Client({ region: 'us-east-1' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const sfnMock = mockClient(sfn);
const sqsMock = mockClient(sqs);
const snsMock = mockClient(sns);
const s3Mock = mockClient(s3);
const dynamoMock = mockClient(documents);
const failedAt = '2026-11-24T09:00:00.000Z';
const appsyncRequest = vi.fn(async () => ({
  publishImageProcessed: { status: 'FAILED', processedAt: failedAt },
}));
const deps = {
  sfn,
  sqs,
  sns,
  s3,
  bucket: 'darkroom-images-test',
  documents,
  appsync: { request: appsyncRequest } as never,
  topicArn: 'arn:aws:sns:us-east-1:000000000000:image-processed',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:darkroom-pipeline',
  queueUrl: 'http://127.0.0.1:4566/000000000000/darkroom-uploads',
  tableName: 'Images',
  backoffScale: 1,
  now: () => now,
  log: () => {},
};

function aRecord(
  receiveCount: number,
  body = JSON.stringify(objectCreated('b', `uploads/${owner}/${id}/original`)),
) {
  return {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  } as unknown as SQSRecord;
}

beforeEach(() => {
  for (const mock of [sfnMock, sqsMock, snsMock, s3Mock, dynamoMock]) mock.reset();
  appsyncRequest.mockClear();
});

const failed: AttemptOutcome = { status: 'FAILED', error: 'Lambda.TooManyRequestsException', cause: '' };

describe('decide', () => {
  it('settles a SUCCEEDED execution whatever the receive count', () => {
    expect(decide({ status: 'SUCCEEDED' }, 1)).toEqual({ action: 'delete' });
    expect(decide({ status: 'SUCCEEDED' }, flow.maxReceiveCount)).toEqual({ action: 'delete' });
  });

  it('retries a platform failure with a backoff that grows with the receive count', () => {
    expect(decide(failed, 1)).toEqual({ action: 'retry', visibilitySeconds: 10 });
    expect(decide(failed, 3)).toEqual({ action: 'retry', visibilitySeconds: 40 });
    expect(decide({ status: 'NOT_STARTED', error: 'ThrottlingException', cause: '' }, 9)).toEqual({
      action: 'retry',
      visibilitySeconds: 300,
    });
  });

  it('gives up only at the last receive, with ProcessingTimeout for a timeout, else ServiceUnavailable', () => {
    expect(decide(failed, flow.maxReceiveCount)).toEqual({ action: 'give-up', code: 'ServiceUnavailable' });
    expect(decide({ status: 'TIMED_OUT', error: 'States.Timeout', cause: '' }, flow.maxReceiveCount)).toEqual(
      { action: 'give-up', code: 'ProcessingTimeout' },
    );
  });
});

describe('executionInput and imageKeyOf', () => {
  it('passes the event with a claim whose cutoff is one lease before now', () => {
    const input = JSON.parse(executionInput({ detail: { x: 1 } }, 3, now));
    expect(input).toEqual({
      detail: { x: 1 },
      claim: { staleBefore: new Date(now.getTime() - flow.leaseSeconds * 1000).toISOString(), attempt: 3 },
    });
  });

  it('reads the item key only from an original upload key', () => {
    expect(imageKeyOf(`uploads/${owner}/${id}/original`)).toEqual({ owner, id });
    expect(imageKeyOf(`uploads/${owner}/${id}/other`)).toBeUndefined();
    expect(imageKeyOf('uploads//x/original')).toBeUndefined();
    // An approval's message names the quarantined original (contracts/review.ts).
    expect(imageKeyOf(`quarantine/${owner}/${id}/original`)).toEqual({ owner, id });
    expect(imageKeyOf(`thumbnails/${owner}/${id}/original`)).toBeUndefined();
  });
});

describe('dispatchRecord', () => {
  it('starts a synchronous execution and settles the message when it SUCCEEDED', async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: 'SUCCEEDED', executionArn: 'e-1' });

    const settled = await dispatchRecord(deps, aRecord(1));

    expect(settled).toBe(true);
    const input = sfnMock.commandCalls(StartSyncExecutionCommand)[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(deps.stateMachineArn);
    expect(JSON.parse(input?.input ?? '{}')).toMatchObject({
      'detail-type': 'Object Created',
      claim: { attempt: 1 },
    });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('reads status, not the HTTP answer: a FAILED execution hides the message for the backoff', async () => {
    sfnMock
      .on(StartSyncExecutionCommand)
      .resolves({ status: 'FAILED', error: 'Lambda.TooManyRequestsException', executionArn: 'e-2' });
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});

    const settled = await dispatchRecord(deps, aRecord(2));

    expect(settled).toBe(false);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toEqual({
      QueueUrl: deps.queueUrl,
      ReceiptHandle: 'rh-1',
      VisibilityTimeout: 20,
    });
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('treats a refused StartSyncExecution as a platform failure too', async () => {
    sfnMock
      .on(StartSyncExecutionCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});

    expect(await dispatchRecord({ ...deps, backoffScale: 0.01 }, aRecord(1))).toBe(false);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(1);
  });

  it('at the last receive marks the image FAILED ServiceUnavailable, purges its thumbnails, announces it as the pipeline does and lets the message go', async () => {
    sfnMock
      .on(StartSyncExecutionCommand)
      .resolves({ status: 'FAILED', error: 'InternalServerError', executionArn: 'e-10' });
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    // A timed-out attempt left a rendition behind.
    s3Mock.on(ListObjectVersionsCommand).resolves({
      Versions: [{ Key: `thumbnails/${owner}/${id}/small-0123456789abcdef.jpg`, VersionId: 'tv-1' }],
    });
    s3Mock.on(DeleteObjectsCommand).resolves({});

    const settled = await dispatchRecord(deps, aRecord(flow.maxReceiveCount));

    expect(settled).toBe(false);
    const [fail, record] = dynamoMock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(fail?.Key).toEqual({ owner, id });
    expect(fail?.ExpressionAttributeValues).toMatchObject({
      ':error': { code: 'ServiceUnavailable' },
      ':ownToken': 'e-10',
      ':from0': 'PENDING_UPLOAD',
      ':from1': 'PROCESSING',
    });
    expect(fail?.ConditionExpression).toContain(
      '(attribute_not_exists(leaseToken) OR leasedAt < :staleBefore OR leaseToken = :ownToken)',
    );
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input.Prefix).toBe(
      `thumbnails/${owner}/${id}/`,
    );
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([
      { Key: `thumbnails/${owner}/${id}/small-0123456789abcdef.jpg`, VersionId: 'tv-1' },
    ]);
    expect(appsyncRequest).toHaveBeenCalledTimes(1);
    const dedupeKey = `${id}#FAILED#${failedAt}`;
    expect(JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}')).toEqual({
      owner,
      id,
      status: 'FAILED',
      dedupeKey,
    });
    // Recorded as the publish step records it: the sweeper does not announce it a second time.
    expect(record?.UpdateExpression).toBe('SET publishedAt = :now REMOVE statusKey');
    expect(record?.ExpressionAttributeValues).toMatchObject({
      ':status': 'FAILED',
      ':processedAt': failedAt,
    });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(0);
  });

  it('announces the FAILED image even when its thumbnails cannot be purged', async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: 'TIMED_OUT', executionArn: 'e-10' });
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'n-1' });
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    s3Mock.on(ListObjectVersionsCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));

    expect(await dispatchRecord(deps, aRecord(flow.maxReceiveCount))).toBe(false);

    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('drops a body that is not an Object Created event: no retry can fix it', async () => {
    expect(await dispatchRecord(deps, aRecord(1, 'not json'))).toBe(true);
    expect(sfnMock.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
  });
});
