import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import { type ServedProvider, serveProvider } from '../../serve-provider.ts';
import { SqsProvider } from './index.ts';

let dataDir: string;
let served: ServedProvider;
let sqs: SqsProvider;
let queueUrl: string;

const operations = [
  'CreateQueue',
  'GetQueueUrl',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'ListQueues',
  'PurgeQueue',
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'StartMessageMoveTask',
  'ListMessageMoveTasks',
  'CancelMessageMoveTask',
];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-sqs-malformed-'));
  let endpoint = '';
  sqs = new SqsProvider({ ...providerContext(loadConfig({}, { dataDir })), endpoint: () => endpoint });
  await sqs.start();
  served = await serveProvider((request) => sqs.handle(request));
  endpoint = served.endpoint;
  ({ queueUrl } = await sqs.createQueue('uploads'));
});

afterAll(async () => {
  await served.close();
  await sqs.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function malformedBodies(): string[] {
  const shapes: unknown[] = [
    null,
    [],
    'text',
    42,
    { QueueUrl: 5 },
    { QueueUrl: 'not a url' },
    { QueueUrl: `${queueUrl}/extra` },
    { QueueUrl: queueUrl, Entries: [null] },
    { QueueUrl: queueUrl, Entries: 'x' },
    { QueueUrl: queueUrl, Entries: [{ Id: 'a', ReceiptHandle: 7, MessageBody: 7, VisibilityTimeout: 'x' }] },
    { QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: { a: null } },
    { QueueUrl: queueUrl, MessageBody: 'x', MessageAttributes: [] },
    { QueueUrl: queueUrl, MessageBody: { nested: true } },
    { QueueUrl: queueUrl, ReceiptHandle: 12, VisibilityTimeout: 'x' },
    { QueueUrl: queueUrl, ReceiptHandle: 'AAAA', VisibilityTimeout: -1 },
    { QueueUrl: queueUrl, Attributes: null, AttributeNames: 'All' },
    { QueueUrl: queueUrl, Attributes: { RedrivePolicy: '{' } },
    { QueueUrl: queueUrl, MaxNumberOfMessages: '10', WaitTimeSeconds: 1.5 },
    { QueueName: ['x'], SourceArn: 5, TaskHandle: null, MaxResults: 0 },
  ];
  return [...shapes.map((shape) => JSON.stringify(shape)), '{not json', ''];
}

describe('SqsProvider with malformed requests', () => {
  it('answers every malformed request with a 4xx AWS error and keeps serving', async () => {
    for (const operation of operations) {
      for (const body of malformedBodies()) {
        const response = await fetch(served.endpoint, {
          method: 'POST',
          headers: { 'x-amz-target': `AmazonSQS.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
          body,
        });
        const answer = (await response.json()) as { __type?: string };
        if (response.status !== 200) {
          expect({ operation, body, status: response.status }).toMatchObject({
            status: expect.toSatisfy((status: number) => status >= 400 && status < 500),
          });
          expect(answer.__type).toMatch(/^com\.amazonaws\.sqs#/);
          expect(response.headers.get('x-amzn-query-error')).toMatch(/;Sender$/);
        }
      }
    }
    expect(sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('answers an unknown operation with InvalidAction', async () => {
    const response = await fetch(served.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.TagQueue' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'com.amazonaws.sqs#InvalidAction' });
  });
});
