import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultRegistry } from '../../faults.ts';
import { md5OfBody } from './md5.ts';
import { type SqsHarness, startSqsHarness } from './test-harness.ts';

let h: SqsHarness;
const faults = new FaultRegistry();

beforeEach(async () => {
  faults.clear();
  h = await startSqsHarness({ faults });
});

afterEach(async () => {
  await h.close();
});

async function queue(name = 'uploads', Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await h.client.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  return QueueUrl as string;
}

async function receive(
  QueueUrl: string,
  extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) {
  const { Messages } = await h.client.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      ...extra,
    }),
  );
  return Messages ?? [];
}

async function attribute(
  QueueUrl: string,
  name:
    | 'ApproximateNumberOfMessages'
    | 'ApproximateNumberOfMessagesNotVisible'
    | 'ApproximateNumberOfMessagesDelayed',
) {
  const { Attributes } = await h.client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [name] }),
  );
  return Number(Attributes?.[name]);
}

describe('SqsProvider queues', () => {
  it('creates a queue idempotently, at the edge URL, and refuses different attributes', async () => {
    const url = await queue('uploads', { VisibilityTimeout: '60' });
    expect(url).toBe(`${h.edge.url}/000000000000/uploads`);
    expect(await queue('uploads', { VisibilityTimeout: '60' })).toBe(url);
    await expect(queue('uploads', { VisibilityTimeout: '61' })).rejects.toMatchObject({
      name: 'QueueNameExists',
      Code: 'QueueAlreadyExists',
    });
    const { QueueUrl } = await h.client.send(new GetQueueUrlCommand({ QueueName: 'uploads' }));
    expect(QueueUrl).toBe(url);
  });

  it('is reached through the QueueUrl by a client with no endpoint, as the SDK sends to its host', async () => {
    const url = await queue();
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const regional = new SQSClient({
      region: h.config.region,
      credentials: h.config.credentials,
      maxAttempts: 1,
      logger: quiet,
    });
    try {
      const { MessageId } = await regional.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'by url' }),
      );
      const [message] = await receive(url);
      expect(message).toMatchObject({ MessageId, Body: 'by url' });
    } finally {
      regional.destroy();
    }
  });

  it('answers a missing queue with QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue)', async () => {
    await expect(h.client.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      h.client.send(
        new SendMessageCommand({ QueueUrl: `${h.edge.url}/000000000000/nope`, MessageBody: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('refuses invalid names and attribute values as SQS does', async () => {
    await expect(queue('has space')).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(queue('a'.repeat(81))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(queue('q', { VisibilityTimeout: '43201' })).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
    });
    await expect(queue('q', { DelaySeconds: '901' })).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
    });
    await expect(queue('q', { Colour: 'blue' })).rejects.toMatchObject({ name: 'InvalidAttributeName' });
    await expect(
      queue('q', {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:none',
          maxReceiveCount: 3,
        }),
      }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Dead letter target does not exist'),
    });
  });

  it('reads All attributes and named ones, including SSE and the redrive policy', async () => {
    const dlq = await queue('uploads-dlq');
    const { Attributes: dlqAttributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }),
    );
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqAttributes?.QueueArn, maxReceiveCount: 10 });
    const url = await queue('uploads', { VisibilityTimeout: '1800', RedrivePolicy: redrive });
    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
      VisibilityTimeout: '1800',
      RedrivePolicy: redrive,
      SqsManagedSseEnabled: 'true',
      MessageRetentionPeriod: '345600',
      MaximumMessageSize: '262144',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    });
    expect(Number(Attributes?.CreatedTimestamp)).toBeGreaterThan(1_700_000_000);
    await expect(
      h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Colour' as 'All'] })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });

  it('sets attributes, lists queues by prefix with pages, deletes and purges', async () => {
    const a = await queue('alpha');
    await queue('alpine');
    await queue('beta');
    await h.client.send(
      new SetQueueAttributesCommand({ QueueUrl: a, Attributes: { VisibilityTimeout: '5' } }),
    );
    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: a, AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(Attributes).toEqual({ VisibilityTimeout: '5' });

    const first = await h.client.send(new ListQueuesCommand({ QueueNamePrefix: 'al', MaxResults: 1 }));
    expect(first.QueueUrls).toEqual([a]);
    const second = await h.client.send(
      new ListQueuesCommand({ QueueNamePrefix: 'al', MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.QueueUrls).toEqual([`${h.edge.url}/000000000000/alpine`]);
    expect(second.NextToken).toBeUndefined();

    await h.client.send(new SendMessageCommand({ QueueUrl: a, MessageBody: 'one' }));
    await h.client.send(new PurgeQueueCommand({ QueueUrl: a }));
    expect(await attribute(a, 'ApproximateNumberOfMessages')).toBe(0);
    await expect(h.client.send(new PurgeQueueCommand({ QueueUrl: a }))).rejects.toMatchObject({
      name: 'PurgeQueueInProgress',
    });

    await h.client.send(new DeleteQueueCommand({ QueueUrl: a }));
    const { QueueUrls } = await h.client.send(new ListQueuesCommand({}));
    expect(QueueUrls).toEqual([`${h.edge.url}/000000000000/alpine`, `${h.edge.url}/000000000000/beta`]);
    await expect(queue('alpha')).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
  });
});

describe('SqsProvider messages', () => {
  it('sends and receives with the MD5s the SDK checks, attributes and system attributes', async () => {
    const url = await queue();
    const sent = await h.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"key":"uploads/ü/1/original"}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'upload' },
          size: { DataType: 'Number', StringValue: '1024' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5OfBody('{"key":"uploads/ü/1/original"}'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);

    const [message, ...rest] = await receive(url, { MessageAttributeNames: ['All'] });
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"key":"uploads/ü/1/original"}',
      MD5OfBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'upload' },
        size: { DataType: 'Number', StringValue: '1024' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
      },
      Attributes: {
        ApproximateReceiveCount: '1',
        SenderId: h.config.credentials.accessKeyId,
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
    });
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe(1);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
  });

  it('keeps the AWSTraceHeader system attribute and refuses any other', async () => {
    const url = await queue();
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const sent = await h.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'traced',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
      }),
    );
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const [message] = await receive(url);
    expect(message?.Attributes?.AWSTraceHeader).toBe(trace);
    await expect(
      h.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageSystemAttributes: { Other: { DataType: 'String', StringValue: 'y' } } as never,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('matches the MD5 of message attributes AWS documents for a known input', async () => {
    const { md5OfMessageAttributes } = await import('./md5.ts');
    // Fixed vector: name "a", String "b" → this encoding, hashed.
    const expected = (await import('node:crypto'))
      .createHash('md5')
      .update(Buffer.from([0, 0, 0, 1, 0x61, 0, 0, 0, 6, ...Buffer.from('String'), 1, 0, 0, 0, 1, 0x62]))
      .digest('hex');
    expect(md5OfMessageAttributes({ a: { DataType: 'String', StringValue: 'b' } })).toBe(expected);
  });

  it('refuses bodies SQS refuses: empty, too large, invalid characters, bad delay', async () => {
    const url = await queue();
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' })),
    ).rejects.toMatchObject({
      name: 'MissingParameter',
    });
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_145) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('262144') });
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001 char' })),
    ).rejects.toMatchObject({ name: 'InvalidMessageContents' });
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      h.client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'y' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe(0);
  });

  it('delays a message by DelaySeconds', async () => {
    const url = await queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesDelayed')).toBe(1);
    expect(await receive(url)).toEqual([]);
    const [message] = await receive(url, { WaitTimeSeconds: 5 });
    expect(message?.Body).toBe('later');
  });

  it('sends and deletes in batches, reporting per-entry failures', async () => {
    const url = await queue();
    const sent = await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'c', MessageBody: 'bad \u0002' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'InvalidMessageContents' }),
    ]);
    const messages = await receive(url);
    expect(messages.map((m) => m.Body).sort()).toEqual(['one', 'two']);
    const deleted = await h.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: 'junk', ReceiptHandle: 'not-a-handle!' },
        ],
      }),
    );
    expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['m0', 'm1']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' })]);
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);

    await expect(
      h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    ).rejects.toMatchObject({
      name: 'EmptyBatchRequest',
    });
    await expect(
      h.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    await expect(
      h.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'same', MessageBody: 'x' },
            { Id: 'same', MessageBody: 'y' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });

  it('validates ReceiveMessage parameters', async () => {
    const url = await queue();
    await expect(receive(url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(receive(url, { WaitTimeSeconds: 21 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(receive(url, { VisibilityTimeout: 43_201 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('hides a received message for its visibility timeout, then counts the next receive', async () => {
    const url = await queue('uploads', { VisibilityTimeout: '1' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [first] = await receive(url);
    expect(await receive(url)).toEqual([]);
    const [second] = await receive(url, { WaitTimeSeconds: 5 });
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );
    // The older receipt handle no longer deletes it (the request still succeeds, as in AWS).
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe(1);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
    expect(await attribute(url, 'ApproximateNumberOfMessagesNotVisible')).toBe(0);
    await expect(
      h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('changes visibility for the latest receipt handle only, within AWS limits', async () => {
    const url = await queue('uploads', { VisibilityTimeout: '600' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [message] = await receive(url);
    const ReceiptHandle = message?.ReceiptHandle;
    await expect(
      h.client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle, VisibilityTimeout: 43_201 }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await h.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle, VisibilityTimeout: 0 }),
    );
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe(1);
    await expect(
      h.client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle, VisibilityTimeout: 10 }),
      ),
    ).rejects.toMatchObject({
      name: 'MessageNotInflight',
      Code: 'AWS.SimpleQueueService.MessageNotInflight',
    });

    const [again] = await receive(url);
    const batch = await h.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'latest', ReceiptHandle: again?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'stale', ReceiptHandle, VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(batch.Successful).toEqual([{ Id: 'latest' }]);
    expect(batch.Failed).toEqual([expect.objectContaining({ Id: 'stale', Code: 'InvalidParameterValue' })]);
    expect(await attribute(url, 'ApproximateNumberOfMessages')).toBe(1);
  });

  it('long-polls: a waiting receive answers as soon as a message arrives', async () => {
    const url = await queue();
    const waiting = receive(url, { WaitTimeSeconds: 20 });
    while (h.sqs.pendingReceives('uploads') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.sqs.sendMessage('uploads', 'arrived');
    const [message] = await waiting;
    expect(message?.Body).toBe('arrived');
  });

  it('long-polls until WaitTimeSeconds and answers no messages', async () => {
    const url = await queue();
    expect(await receive(url, { WaitTimeSeconds: 1 })).toEqual([]);
  });

  it('an aborted long poll takes no message', async () => {
    const url = await queue();
    const abort = new AbortController();
    const waiting = h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), {
      abortSignal: abort.signal,
    });
    while (h.sqs.pendingReceives('uploads') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    await expect(waiting).rejects.toThrow();
    while (h.sqs.pendingReceives('uploads') > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.sqs.sendMessage('uploads', 'for someone else');
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });

  it('answers ServiceUnavailable once stopped, so pollers back off instead of spinning', async () => {
    const url = await queue();
    await h.sqs.stop();
    await expect(h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
    await h.sqs.start();
  });

  it("reset forgets every message and API-created queue, keeping the stack's queues empty", async () => {
    const stackQueue = (await h.sqs.createQueue('uploads', { VisibilityTimeout: '60' })).queueUrl;
    const apiQueue = await queue('scratch');
    await h.sqs.sendMessage('uploads', 'x');
    await h.client.send(new SendMessageCommand({ QueueUrl: apiQueue, MessageBody: 'y' }));
    await h.sqs.reset();
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: apiQueue, MessageBody: 'y' })),
    ).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await h.restart();
    expect(h.sqs.health().detail).toBe('1 queues, 0 messages');
    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: stackQueue, AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(Attributes).toEqual({ VisibilityTimeout: '60' });
  });

  it('ensureQueue creates a queue, then brings its attributes up to date', async () => {
    const first = await h.sqs.ensureQueue('uploads', { VisibilityTimeout: '60' });
    const again = await h.sqs.ensureQueue('uploads', { VisibilityTimeout: '1800' });
    expect(again).toEqual(first);
    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: first.queueUrl, AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(Attributes).toEqual({ VisibilityTimeout: '1800' });
  });

  it('honours injected faults per operation and queue', async () => {
    const url = await queue();
    faults.set([
      { service: 'sqs', operation: 'SendMessage', match: 'uploads', error: 'RequestThrottled', status: 403 },
    ]);
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
    ).rejects.toMatchObject({
      name: 'RequestThrottled',
    });
    await expect(h.sqs.sendMessage('uploads', 'x')).rejects.toMatchObject({ code: 'RequestThrottled' });
    expect(h.sqs.queueDepth('uploads').visible).toBe(0);
  });
});
