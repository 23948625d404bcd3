import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startGraphQLEndpoint } from '../test-support/graphql-endpoint.ts';
import { loadHandler } from '../test-support/load-handler.ts';
import { aStoredImage } from '../test-support/stored-images.ts';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const snsMock = mockClient(SNSClient);
const s3Mock = mockClient(S3Client);

const appsync = await startGraphQLEndpoint();
const { handler } = await loadHandler(() => import('./handler.ts'), {
  GRAPHQL_URL: appsync.url,
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:image-processed',
});

afterAll(async () => {
  await appsync.close();
});

afterEach(() => {
  appsync.reset();
  vi.restoreAllMocks();
  dynamoMock.reset();
  snsMock.reset();
  s3Mock.reset();
});

describe('sweeper handler', () => {
  it('sweeps a stuck image, publishes it through AppSync and flushes the ItemsSwept metric', async () => {
    // Prepare
    const stuck = aStoredImage('PROCESSING', {
      id: 'stuck',
      updatedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    dynamoMock
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':processing': 'PROCESSING' } }, false)
      .resolves({ Items: [stuck] });
    dynamoMock.on(UpdateCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    s3Mock.on(ListObjectVersionsCommand).resolves({});
    appsync.answer({ data: { publishImageProcessed: { ...stuck, status: 'FAILED' } } });
    // Powertools writes EMF lines straight to process.stdout (its own Console), as CloudWatch reads them.
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const result = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });

    // Assess
    expect(result).toEqual({ swept: 1, announced: 0 });
    expect(appsync.received).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    const emf = stdout.mock.calls
      .flatMap(([chunk]) =>
        String(chunk)
          .split('\n')
          .filter((line) => line.startsWith('{')),
      )
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry._aws !== undefined);
    expect(emf).toMatchObject({
      ItemsSwept: 1,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'darkroom',
            Metrics: [
              { Name: 'ItemsSwept', Unit: 'Count' },
              { Name: 'UnannouncedAnnounced', Unit: 'Count' },
            ],
          },
        ],
      },
    });
  });
});
