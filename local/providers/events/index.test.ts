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
    startExecution: (input) => {
      started.push(input);
      return {
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:${names.stateMachine}:${started.length}`,
      };
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
  it('starts the state machine with an upload event of the local bucket, and logs the execution', async () => {
    const { events, started } = eventsWithRecorder();
    const event = objectCreated(names.localBucket, keys.original('sub-1', '01JD'));

    const entry = await events.putEvent(event);

    expect(started).toEqual([event]);
    expect(entry).toMatchObject({
      matched: true,
      executionArn: expect.stringContaining(':execution:'),
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

  it('logs a target that fails to start instead of throwing', async () => {
    const events = new EventsProvider({
      config: loadConfig({}),
      startExecution: () => {
        throw Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' });
      },
    });

    const entry = await events.putEvent(objectCreated(names.localBucket, keys.original('s', 'i')));

    expect(entry).toMatchObject({ matched: true, error: 'ExecutionAlreadyExists: Execution Already Exists' });
  });

  it('answers PutEvents, delivering each entry as an EventBridge event', async () => {
    const { events, started } = eventsWithRecorder();
    server = await serveProvider((request) => events.handle(request));
    const detail = {
      bucket: { name: names.localBucket },
      object: { key: keys.original('sub-9', '01JE') },
      reason: 'PutObject',
    };

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
