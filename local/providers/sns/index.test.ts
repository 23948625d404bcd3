import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { type Edge, startEdge } from '../../edge.ts';
import { providerContext } from '../../provider-context.ts';
import { SnsProvider } from './index.ts';

let dataDir: string;
let edge: Edge;
let sns: SnsProvider;
let client: SNSClient;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-sns-'));
  const config = loadConfig({}, { port: 0, dataDir });
  sns = new SnsProvider(providerContext(config));
  await sns.start();
  edge = await startEdge({
    config,
    provider: (name) => (name === 'sns' ? sns : undefined),
    admin: async () => {},
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
