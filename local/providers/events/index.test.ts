import { afterEach, describe, expect, it } from 'vitest';
import { keys, names } from '../../../contracts/names.ts';
import { objectCreated } from '../../../tests/object-created.ts';
import { loadConfig } from '../../config.ts';
import { type ServedProvider, serveProvider } from '../../serve-provider.ts';
import { EventsProvider } from './index.ts';

function eventsWithRecorder() {
  const started: unknown[] = [];
  const events = new EventsProvider({
    config: loadConfig({}),
    target: (input) => {
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

    await events.putEvent(objectCreated(names.localBucket, keys.thumbnail('s', 'i', 'small', 'jpg')));
    await events.putEvent(objectCreated('another-bucket', keys.original('s', 'i')));

    expect(started).toEqual([]);
    expect(events.log().map((e) => e.matched)).toEqual([false, false]);
  });

  it('logs a target that refuses the event on the entry instead of throwing', async () => {
    const events = new EventsProvider({
      config: loadConfig({}),
      target: () => {
        throw Object.assign(new Error('disk full'), { name: 'InternalError' });
      },
    });

    const entry = await events.putEvent(objectCreated(names.localBucket, keys.original('s', 'i')));

    expect(entry).toMatchObject({ matched: true, error: 'InternalError: disk full' });
  });

  it('answers PutEvents, delivering each entry as an EventBridge event', async () => {
    const { events, started } = eventsWithRecorder();
    server = await serveProvider((request) => events.handle(request));
    const detail = { bucket: { name: names.localBucket }, object: { key: keys.original('sub-9', '01JE') } };

    const response = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({
        Entries: [
          { Source: 'aws.s3', DetailType: 'Object Created', Detail: JSON.stringify(detail) },
          { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{not json' },
        ],
      }),
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      FailedEntryCount: number;
      Entries: Array<Record<string, string>>;
    };
    expect(body.FailedEntryCount).toBe(1);
    expect(body.Entries[0]?.EventId).toEqual(expect.any(String));
    expect(body.Entries[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(started).toEqual([
      expect.objectContaining({
        id: body.Entries[0]?.EventId,
        source: 'aws.s3',
        'detail-type': 'Object Created',
        account: '000000000000',
        region: 'us-east-1',
        detail,
      }),
    ]);
  });
});
