import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../../contracts/function-specs.ts';
import { loadConfig } from '../../config.ts';
import { type Edge, startEdge } from '../../edge.ts';
import { LocalIam } from '../../iam/local-iam.ts';
import { providerContext } from '../../provider-context.ts';
import { SnsProvider } from './index.ts';

let dataDir: string;
let edge: Edge;
let sns: SnsProvider;
let client: SNSClient;
let iam: LocalIam;
const topicArn = 'arn:aws:sns:us-east-1:000000000000:image-processed';

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-sns-'));
  const config = loadConfig({}, { port: 0, dataDir });
  iam = new LocalIam(config, {
    bucketArn: 'arn:aws:s3:::b',
    tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Images',
    topicArn,
    graphqlApiArn: 'arn:aws:appsync:us-east-1:000000000000:apis/local',
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline',
  });
  sns = new SnsProvider({ ...providerContext(config), authorizer: iam });
  await sns.start();
  edge = await startEdge({
    config,
    provider: (name) => (name === 'sns' ? sns : undefined),
    admin: async () => {},
    secretFor: (id) => iam.secretFor(id),
  });
  client = new SNSClient({
    endpoint: edge.url,
    region: config.region,
    credentials: config.credentials,
    maxAttempts: 1,
  });
});

afterEach(async () => {
  await edge.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('SnsProvider', () => {
  it('answers ListTopics and a missing topic in shapes the SDK v3 parses', async () => {
    await client.send(new CreateTopicCommand({ Name: 'image-processed' }));
    const { Topics } = await client.send(new ListTopicsCommand({}));
    expect(Topics).toEqual([{ TopicArn: topicArn }]);
    await expect(
      client.send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('lets a function publish only where its policy allows (AuthorizationError otherwise)', async () => {
    await client.send(new CreateTopicCommand({ Name: 'image-processed' }));
    const as = (functionName: string) =>
      new SNSClient({
        endpoint: edge.url,
        region: 'us-east-1',
        credentials: iam.credentialsFor(functionName),
        maxAttempts: 1,
      });
    const sweeper = as(functionSpecs.sweeper.functionName);
    await expect(
      sweeper.send(new PublishCommand({ TopicArn: topicArn, Message: 'm' })),
    ).resolves.toMatchObject({
      MessageId: expect.any(String),
    });
    const inspect = as(functionSpecs.inspect.functionName);
    await expect(
      inspect.send(new PublishCommand({ TopicArn: topicArn, Message: 'm' })),
    ).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(sns.messages()).toHaveLength(1);
    sweeper.destroy();
    inspect.destroy();
  });

  it('creates a topic and records a message published with the SDK, attributes included', async () => {
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: 'image-processed' }));
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:image-processed');

    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn,
        Message: '{"id":"01ABC","status":"COMPLETED"}',
        Subject: 'processed',
        MessageAttributes: { status: { DataType: 'String', StringValue: 'COMPLETED' } },
      }),
    );

    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sns.messages()).toEqual([
      expect.objectContaining({
        MessageId,
        TopicArn,
        Message: '{"id":"01ABC","status":"COMPLETED"}',
        Subject: 'processed',
        MessageAttributes: { status: { DataType: 'String', StringValue: 'COMPLETED' } },
      }),
    ]);
  });

  it('keeps messages across a restart (on disk in the data folder)', async () => {
    const TopicArn = sns.createTopic('image-processed');
    await sns.publish({ TopicArn, Message: 'kept' });
    const again = new SnsProvider(providerContext(loadConfig({}, { dataDir })));
    await again.start();
    expect(again.messages().map((m) => m.Message)).toEqual(['kept']);
  });

  it('answers a publish to a missing topic with NotFound, as SNS does', async () => {
    await expect(
      client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    expect(sns.messages()).toEqual([]);
  });
});
