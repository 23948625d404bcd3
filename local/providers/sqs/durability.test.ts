import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqsHarness } from './test-harness.ts';

let h: SqsHarness;
let url: string;

beforeEach(async () => {
  h = await startSqsHarness();
  url = (await h.sqs.createQueue('uploads', { VisibilityTimeout: '600' })).queueUrl;
});

afterEach(async () => {
  await h.close();
});

async function receive(max = 10) {
  const { Messages } = await h.client.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: max,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

describe('SqsProvider durability', () => {
  it('keeps queues, messages and receive counts across a restart on the same folder', async () => {
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
    await receive();
    await h.restart();
    const [message] = await receive();
    expect(message).toMatchObject({ Body: 'kept', Attributes: { ApproximateReceiveCount: '2' } });
  });

  it('loses no acknowledged send and resurrects no acknowledged delete after a crash', async () => {
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` })),
      ),
    );
    const received = await receive(5);
    await Promise.all(
      received.map((m) =>
        h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle })),
      ),
    );
    const inFlight = await receive(3);
    expect(inFlight).toHaveLength(3);

    await h.crash();

    // In-flight messages are visible at once: their consumers died with the process.
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 25, inFlight: 0, delayed: 0 });
    const deleted = new Set(received.map((m) => m.MessageId));
    const left = [...(await receive()), ...(await receive()), ...(await receive())];
    expect(left).toHaveLength(25);
    expect(left.every((m) => !deleted.has(m.MessageId))).toBe(true);
    const ids = new Set(sent.map((s) => s.MessageId));
    expect(left.every((m) => ids.has(m.MessageId))).toBe(true);
    const counts = new Map(left.map((m) => [m.MessageId, m.Attributes?.ApproximateReceiveCount]));
    for (const m of inFlight) expect(counts.get(m.MessageId)).toBe('2');
  });

  it('sendMessage resolves only once the message is in the journal on disk', async () => {
    const { messageId } = await h.sqs.sendMessage('uploads', 'durable');
    await h.crash();
    const [message] = await receive();
    expect(message?.MessageId).toBe(messageId);
  });

  it('ignores a torn last journal line (a write cut by the crash, never acknowledged)', async () => {
    await h.sqs.sendMessage('uploads', 'whole');
    const { appendFile } = await import('node:fs/promises');
    const path = await import('node:path');
    await appendFile(
      path.join(h.config.dataDir, 'sqs', 'journal.jsonl'),
      '{"t":"send","q":"uploads","m":{"id":"x',
    );
    await h.crash();
    expect(h.sqs.queueDepth('uploads').visible).toBe(1);
    await h.sqs.sendMessage('uploads', 'after');
    await h.restart();
    expect(h.sqs.queueDepth('uploads').visible).toBe(2);
  });
});
