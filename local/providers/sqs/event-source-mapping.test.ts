import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventSourceMapping, type EventSourceMappingOptions } from './event-source-mapping.ts';
import { md5OfBody } from './md5.ts';
import { type SqsHarness, startSqsHarness } from './test-harness.ts';

let h: SqsHarness;
let mapping: EventSourceMapping | undefined;
let queueUrl: string;
let queueArn: string;

beforeEach(async () => {
  h = await startSqsHarness();
  ({ queueUrl, queueArn } = await h.sqs.createQueue('uploads', { VisibilityTimeout: '600' }));
});

afterEach(async () => {
  await mapping?.stop();
  await mapping?.settled();
  mapping = undefined;
  await h.close();
});

function startMapping(
  invoke: EventSourceMappingOptions['invoke'],
  options: Partial<EventSourceMappingOptions> = {},
): EventSourceMapping {
  mapping = new EventSourceMapping({
    client: h.client,
    queueUrl,
    queueArn,
    region: h.config.region,
    batchSize: 1,
    maximumConcurrency: 2,
    reportBatchItemFailures: true,
    invoke,
    log: () => {},
    ...options,
  });
  mapping.start();
  return mapping;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('EventSourceMapping', () => {
  it('builds the Lambda SQS event as AWS does', async () => {
    const events: SQSEvent[] = [];
    const { messageId } = await h.sqs.sendMessage('uploads', '{"detail":{}}');
    startMapping(async (event) => {
      events.push(event);
    });
    await until(() => events.length === 1 && h.sqs.queueDepth('uploads').inFlight === 0);
    const [record] = events[0]?.Records ?? [];
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'attributes',
        'awsRegion',
        'body',
        'eventSource',
        'eventSourceARN',
        'md5OfBody',
        'messageAttributes',
        'messageId',
        'receiptHandle',
      ].sort(),
    );
    expect(record).toMatchObject({
      messageId,
      receiptHandle: expect.any(String),
      body: '{"detail":{}}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: h.config.credentials.accessKeyId,
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: md5OfBody('{"detail":{}}'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    });
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('never has more than maximumConcurrency invocations in flight under a 50-message burst', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.sqs.sendMessage('uploads', `m${i}`)));
    let running = 0;
    let most = 0;
    let handled = 0;
    const gates: Array<() => void> = [];
    const m = startMapping(
      (event) =>
        new Promise((resolve) => {
          running += 1;
          most = Math.max(most, running);
          expect(event.Records).toHaveLength(1);
          gates.push(() => {
            running -= 1;
            handled += 1;
            resolve(undefined);
          });
        }),
      { maximumConcurrency: 3 },
    );
    await until(() => gates.length === 3);
    // The poller holds no more messages than it can invoke: the rest stay visible.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(m.inFlight).toBe(3);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 47, inFlight: 3, delayed: 0 });
    while (handled < 50) {
      const gate = gates.shift();
      if (gate) gate();
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => h.sqs.queueDepth('uploads').inFlight === 0);
    expect(most).toBe(3);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('deletes all but the reported batchItemFailures', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await h.sqs.sendMessage('uploads', `m${i}`)).messageId);
    let batches = 0;
    startMapping(
      async (event) => {
        batches += 1;
        expect(event.Records.map((r) => r.messageId).sort()).toEqual([...ids].sort());
        return { batchItemFailures: [{ itemIdentifier: ids[1] }, { itemIdentifier: ids[3] }] };
      },
      { batchSize: 10 },
    );
    await until(() => batches === 1 && h.sqs.queueDepth('uploads').inFlight === 2);
    await mapping?.stop();
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 2, delayed: 0 });
  });

  it('treats an unknown itemIdentifier as a whole-batch failure, as AWS does', async () => {
    for (let i = 0; i < 3; i += 1) await h.sqs.sendMessage('uploads', `m${i}`);
    let batches = 0;
    startMapping(
      async () => {
        batches += 1;
        return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      },
      { batchSize: 10 },
    );
    await until(() => batches === 1);
    await mapping?.stop();
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 3, delayed: 0 });
  });

  it('deletes the whole batch on success without ReportBatchItemFailures', async () => {
    for (let i = 0; i < 3; i += 1) await h.sqs.sendMessage('uploads', `m${i}`);
    let batches = 0;
    startMapping(
      async () => {
        batches += 1;
        return { batchItemFailures: [{ itemIdentifier: 'ignored without the setting' }] };
      },
      { batchSize: 10, reportBatchItemFailures: false },
    );
    await until(() => batches === 1 && h.sqs.queueDepth('uploads').inFlight === 0);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('gathers a batch above 10 messages within the batching window', async () => {
    await Promise.all(Array.from({ length: 15 }, (_, i) => h.sqs.sendMessage('uploads', `m${i}`)));
    const sizes: number[] = [];
    startMapping(
      async (event) => {
        sizes.push(event.Records.length);
      },
      { batchSize: 15, maximumBatchingWindowSeconds: 1 },
    );
    await until(() => sizes.length === 1 && h.sqs.queueDepth('uploads').inFlight === 0);
    expect(sizes).toEqual([15]);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('deletes nothing when the invocation fails', async () => {
    await h.sqs.sendMessage('uploads', 'boom');
    let calls = 0;
    startMapping(async () => {
      calls += 1;
      throw new Error('handler crashed');
    });
    await until(() => calls === 1);
    await mapping?.stop();
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  });

  it('retries a throttled invocation within the same receive, then deletes the handled message', async () => {
    await h.sqs.sendMessage('uploads', 'throttled twice');
    const counts: string[] = [];
    startMapping(async (event) => {
      counts.push(event.Records[0]?.attributes.ApproximateReceiveCount ?? '');
      if (counts.length <= 2) {
        throw Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException' });
      }
    });
    await until(() => counts.length === 3 && h.sqs.queueDepth('uploads').inFlight === 0);
    // One receive, three invocations: throttles cost the message nothing but that receive.
    expect(counts).toEqual(['1', '1', '1']);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('leaves a message throttled past half its visibility timeout to come back, and keeps polling', async () => {
    await h.sqs.createQueue('fast', { VisibilityTimeout: '0' });
    queueUrl = `${h.edge.url}/000000000000/fast`;
    queueArn = 'arn:aws:sqs:us-east-1:000000000000:fast';
    await h.sqs.sendMessage('fast', 'throttled twice');
    const counts: string[] = [];
    startMapping(async (event) => {
      counts.push(event.Records[0]?.attributes.ApproximateReceiveCount ?? '');
      if (counts.length <= 2) {
        throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
      }
    });
    await until(
      () =>
        counts.length === 3 &&
        h.sqs.queueDepth('fast').visible === 0 &&
        h.sqs.queueDepth('fast').inFlight === 0,
    );
    expect(counts).toEqual(['1', '2', '3']);
  });

  it('stops at once while a long poll is pending', async () => {
    const m = startMapping(async () => {});
    await until(() => h.sqs.pendingReceives('uploads') === 1);
    await m.stop();
    // The aborted receive ends on the server when the socket's close arrives, and takes nothing.
    await until(() => h.sqs.pendingReceives('uploads') === 0);
    await h.sqs.sendMessage('uploads', 'after stop');
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });

  it('stop() does not wait for a long invocation; the invocation still deletes its message', async () => {
    await h.sqs.sendMessage('uploads', 'slow');
    let finish: () => void = () => {};
    const m = startMapping(() => new Promise((resolve) => (finish = () => resolve(undefined))));
    await until(() => m.inFlight === 1);
    await m.stop();
    expect(m.inFlight).toBe(1);
    finish();
    await m.settled();
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('refuses a maximumConcurrency AWS refuses', () => {
    expect(
      () =>
        new EventSourceMapping({
          client: h.client,
          queueUrl,
          queueArn,
          region: 'us-east-1',
          batchSize: 1,
          maximumConcurrency: 1,
          reportBatchItemFailures: true,
          invoke: async () => {},
        }),
    ).toThrow(/maximumConcurrency/);
  });
});
