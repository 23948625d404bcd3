import { afterEach, describe, expect, it } from 'vitest';
import { keys, names } from '../../../contracts/names.ts';
import { objectCreated } from '../../../tests/object-created.ts';
import { loadConfig } from '../../config.ts';
import { FaultRegistry } from '../../faults.ts';
import { providerContext } from '../../provider-context.ts';
import { type ServedProvider, serveProvider } from '../../serve-provider.ts';
import { EventsProvider } from './index.ts';

function eventsWithRecorder(faults = new FaultRegistry(), failFirst = 0) {
  const started: unknown[] = [];
  let calls = 0;
  const events = new EventsProvider({
    ...providerContext(loadConfig({}), { faults }),
    target: (input) => {
      calls += 1;
      if (calls <= failFirst)
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      started.push(input);
      return { messageId: `message-${started.length}` };
    },
  });
  return { events, started };
}

let server: ServedProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('EventsProvider', () => {
  it('sends an upload event of the local bucket to the queue, and logs the message', async () => {
    const { events, started } = eventsWithRecorder();
    const event = objectCreated(names.localBucket, keys.original('sub-1', '01JD'));

    const entry = await events.putEvent(event);

    expect(started).toEqual([event]);
    expect(entry).toMatchObject({
      matched: true,
      messageId: 'message-1',
      id: event.id,
    });
    expect(events.log()).toEqual([entry]);
  });

  it('ignores thumbnails and other buckets but still logs them as unmatched', async () => {
    const { events, started } = eventsWithRecorder();

    await events.putEvent(
      objectCreated(names.localBucket, keys.thumbnail('s', 'i', 'small', 'jpg', '0123456789abcdef')),
    );
    await events.putEvent(objectCreated('another-bucket', keys.original('s', 'i')));

    expect(started).toEqual([]);
    expect(events.log().map((e) => e.matched)).toEqual([false, false]);
  });

  it('logs a target that refuses the event on the entry instead of throwing', async () => {
    const events = new EventsProvider({
      ...providerContext(loadConfig({})),
      targetRetries: 1,
      target: () => {
        throw Object.assign(new Error('disk full'), { name: 'InternalError' });
      },
    });

    const entry = await events.putEvent(objectCreated(names.localBucket, keys.original('s', 'i')));

    expect(entry).toMatchObject({ matched: true, error: 'InternalError: disk full' });
  });

  it('answers PutEvents entry by entry, and refuses what EventBridge refuses', async () => {
    const { events, started } = eventsWithRecorder();
    server = await serveProvider((request) => events.handle(request));
    const detail = {
      bucket: { name: names.localBucket },
      object: { key: keys.original('sub-9', '01JE') },
      reason: 'PutObject',
    };
    const put = (entries: unknown[]) =>
      fetch(`${server?.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: JSON.stringify({ Entries: entries }),
      });

    const response = await put([
      { Source: 'app.darkroom', DetailType: 'Note', Detail: JSON.stringify(detail) },
      { Source: 'app.darkroom', DetailType: 'Note', Detail: '{not json' },
      { Source: 'app.darkroom', DetailType: 'Note', Detail: '[1,2]' },
      // A forged S3 event would start the pipeline: only AWS services may use aws.* sources.
      { Source: 'aws.s3', DetailType: 'Object Created', Detail: JSON.stringify(detail) },
    ]);

    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      FailedEntryCount: number;
      Entries: Array<Record<string, string>>;
    };
    expect(body.FailedEntryCount).toBe(3);
    expect(body.Entries[0]?.EventId).toEqual(expect.any(String));
    expect(body.Entries[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(body.Entries[2]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(body.Entries[3]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
    // The upload rule matches S3's own events only: nothing reached the target.
    expect(started).toEqual([]);

    const tooLarge = await put([
      { Source: 'app.darkroom', DetailType: 'Note', Detail: JSON.stringify({ p: 'x'.repeat(262_144) }) },
    ]);
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('Total size of the entries');
  });

  it('retries a target that fails to start, as EventBridge does, until it starts', async () => {
    const { events, started } = eventsWithRecorder(new FaultRegistry(), 2);
    const event = objectCreated(names.localBucket, keys.original('sub-r', '01JR'));

    const entry = await events.putEvent(event);

    expect(started).toEqual([event]);
    expect(entry).toMatchObject({ matched: true, retries: 2, messageId: expect.any(String) });
    expect(entry.error).toBeUndefined();
  });

  it('drops, duplicates or fails a delivery an injected fault names, and only that one', async () => {
    const faults = new FaultRegistry();
    const { events, started } = eventsWithRecorder(faults);
    const dropped = objectCreated(names.localBucket, keys.original('sub-d', 'drop'));
    const doubled = objectCreated(names.localBucket, keys.original('sub-d', 'twice'));
    const failed = objectCreated(names.localBucket, keys.original('sub-d', 'fail'));
    faults.set([
      { service: 'events', operation: 'Deliver', match: '*/drop/*', action: 'drop' },
      { service: 'events', operation: 'Deliver', match: '*/twice/*', action: 'duplicate' },
      { service: 'events', operation: 'Deliver', match: '*/fail/*', error: 'InternalException', count: 1 },
    ]);

    expect(await events.putEvent(dropped)).toMatchObject({ fault: 'dropped' });
    expect(await events.putEvent(doubled)).toMatchObject({ fault: 'duplicated' });
    expect(await events.putEvent(failed)).toMatchObject({ retries: 1, messageId: expect.any(String) });

    expect(started).toEqual([doubled, doubled, failed]);
    expect(events.log().filter((e) => e.id === doubled.id)).toHaveLength(2);
  });
});
