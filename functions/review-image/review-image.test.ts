import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ReviewRequest, reviewImage } from './review-image.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const now = new Date('2026-11-30T10:00:00.000Z');

const s3 = new S3Client({ region: 'us-east-1' });
const sqs = new SQSClient({ region: 'us-east-1' });
const sns = new SNSClient({ region: 'us-east-1' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const s3Mock = mockClient(s3);
const sqsMock = mockClient(sqs);
const snsMock = mockClient(sns);
const dynamoMock = mockClient(documents);
const published: unknown[] = [];
const deps = {
  s3,
  sqs,
  sns,
  documents,
  appsync: {
    request: async (_query: string, variables: Record<string, unknown>) => {
      published.push(variables);
      return { publishImageProcessed: { id, owner, status: 'REJECTED', processedAt: now.toISOString() } };
    },
  } as never,
  tableName: 'Images',
  topicArn: 'arn:aws:sns:us-east-1:000000000000:image-processed',
  bucket: 'darkroom-images-test',
  queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/darkroom-uploads',
  now: () => now,
  log: () => {},
};

const flaggedItem = {
  owner,
  id,
  fileName: 'a.jpg',
  contentType: 'image/jpeg',
  size: 1000,
  status: 'FLAGGED',
  statusKey: 'FLAGGED',
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:05.000Z',
  thumbnails: [],
  usageBytes: 1000,
  leaseToken: 'arn:exec:1',
  analysis: {
    labels: [{ name: 'Cup', confidence: 99, parents: [] }],
    faceCount: 0,
    faces: [],
    moderationLabels: [],
    isSafe: false,
  },
};

const request = (decision: 'APPROVE' | 'REJECT'): ReviewRequest => ({
  owner,
  id,
  decision,
  note: 'looked at it',
  reviewer: 'moderator-1',
});

beforeEach(() => {
  for (const mock of [s3Mock, sqsMock, snsMock, dynamoMock]) mock.reset();
  published.length = 0;
  s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [] });
});

describe('reviewImage APPROVE', () => {
  it('returns the image to PROCESSING under no lease, with the review, then queues the approval', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: flaggedItem });
    dynamoMock.on(UpdateCommand).callsFake((input) => ({
      Attributes: {
        ...flaggedItem,
        status: 'PROCESSING',
        review: input.ExpressionAttributeValues[':review'],
      },
    }));
    sqsMock.on(SendMessageCommand).resolves({});

    const outcome = await reviewImage(deps, request('APPROVE'));

    const update = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('#status = :flagged AND attribute_not_exists(#review)');
    expect(update?.UpdateExpression).toContain('REMOVE');
    expect(update?.UpdateExpression).toContain('#leaseToken');
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':status': 'PROCESSING',
      ':ownerStatus': `${owner}#PROCESSING`,
      ':statusKey': 'PROCESSING',
      ':review': {
        decision: 'APPROVE',
        reviewer: 'moderator-1',
        note: 'looked at it',
        reviewedAt: now.toISOString(),
      },
      ':leasedAt': now.toISOString(),
    });
    const message = JSON.parse(
      sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}',
    );
    expect(message).toEqual({
      source: 'darkroom.moderation',
      'detail-type': 'Image Approved',
      detail: { bucket: { name: deps.bucket }, object: { key: `quarantine/${owner}/${id}/original` } },
      approval: { owner, id },
    });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      image: { status: 'PROCESSING', review: { decision: 'APPROVE' } },
    });
  });

  it('hands the image back undecided when the message cannot be queued, and fails', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: flaggedItem });
    dynamoMock.on(UpdateCommand).resolves({ Attributes: { ...flaggedItem, status: 'PROCESSING' } });
    sqsMock.on(SendMessageCommand).rejects(new Error('SQS unavailable'));

    await expect(reviewImage(deps, request('APPROVE'))).rejects.toThrow('SQS unavailable');

    const undo = dynamoMock.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(undo?.UpdateExpression).toBe(
      'SET #status = :flagged, ownerStatus = :ownerStatus, statusKey = :flagged REMOVE #review, leasedAt, leaseAttempt',
    );
    expect(undo?.ExpressionAttributeValues).toMatchObject({
      ':flagged': 'FLAGGED',
      ':ownerStatus': `${owner}#FLAGGED`,
    });
  });

  it('tells the loser of a race the image is no longer awaiting review, and who decided', async () => {
    dynamoMock
      .on(GetCommand)
      .resolvesOnce({ Item: flaggedItem })
      .resolves({ Item: { ...flaggedItem, status: 'REJECTED', review: { reviewer: 'moderator-2' } } });
    dynamoMock
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    expect(await reviewImage(deps, request('APPROVE'))).toEqual({
      outcome: 'notReviewable',
      status: 'REJECTED',
      decidedBy: 'moderator-2',
    });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses an image that is not FLAGGED, or already decided, without writing', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: { ...flaggedItem, status: 'COMPLETED' } });
    expect(await reviewImage(deps, request('REJECT'))).toMatchObject({
      outcome: 'notReviewable',
      status: 'COMPLETED',
    });
    dynamoMock.on(GetCommand).resolves({ Item: { ...flaggedItem, review: { reviewer: 'moderator-2' } } });
    expect(await reviewImage(deps, request('APPROVE'))).toMatchObject({ outcome: 'notReviewable' });
    dynamoMock.on(GetCommand).resolves({});
    expect(await reviewImage(deps, request('APPROVE'))).toEqual({ outcome: 'notFound' });
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('reviewImage REJECT', () => {
  it('writes REJECTED with the stored bytes given back in one transaction, deletes the objects and announces', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: flaggedItem });
    dynamoMock.on(TransactWriteCommand).resolves({});
    dynamoMock.on(UpdateCommand).resolves({});
    dynamoMock.on(BatchWriteCommand).resolves({});
    snsMock.on(PublishCommand).resolves({});

    const outcome = await reviewImage(deps, request('REJECT'));

    const items = dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    const image = items[0]?.Update;
    expect(image?.ConditionExpression).toBe(
      '#status = :flagged AND attribute_not_exists(#review) AND #usageBytes = :usageBytes',
    );
    expect(image?.ExpressionAttributeValues).toMatchObject({
      ':status': 'REJECTED',
      ':ownerStatus': `${owner}#REJECTED`,
      ':statusKey': 'UNANNOUNCED',
      ':thumbnails': [],
      ':usageBytes': 1000,
    });
    expect(image?.UpdateExpression).toMatch(/REMOVE .*#placeholder/);
    expect(items[1]?.Update?.ExpressionAttributeValues).toEqual({ ':bytes': -1000 });
    // Every prefix of the image is listed for deletion: uploads, quarantine, thumbnails.
    expect(s3Mock.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Prefix)).toEqual([
      `uploads/${owner}/${id}/`,
      `quarantine/${owner}/${id}/`,
      `thumbnails/${owner}/${id}/`,
    ]);
    // The label index goes with the image: search no longer finds it.
    expect(dynamoMock.commandCalls(BatchWriteCommand)).toHaveLength(1);
    expect(published).toEqual([{ owner, id }]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(outcome.outcome).toBe('decided');
  });

  it('loses the race cleanly: no object is deleted and nothing is announced', async () => {
    dynamoMock
      .on(GetCommand)
      .resolvesOnce({ Item: flaggedItem })
      .resolves({ Item: { ...flaggedItem, status: 'PROCESSING', review: { reviewer: 'moderator-2' } } });
    dynamoMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    expect(await reviewImage(deps, request('REJECT'))).toEqual({
      outcome: 'notReviewable',
      status: 'PROCESSING',
      decidedBy: 'moderator-2',
    });
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
    expect(published).toEqual([]);
  });
});
