/**
 * Issue 13, defects 3 and 4: every terminal state is announced at least once. An execution that
 * dies after saving its result (kill -9, a timeout during Publish) leaves the item terminal and
 * UNANNOUNCED on the sparse byStatus index; the sweeper announces it, with the dedupe key, and
 * records it, so the next sweep does not announce it again.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  eventually,
  executionsFor,
  getImageItem,
  snsMessagesAbout,
  ulid,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser } from './users.ts';

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('a terminal image whose execution died before announcing it', () => {
  it('is announced by the sweeper once, with its dedupe key, and recorded', async () => {
    const clients = clientsFor();
    const owner = `test-${ulid().toLowerCase()}`;
    const id = ulid();
    // As save-result leaves it: COMPLETED, unannounced, saved ten minutes ago.
    const savedAt = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    await clients.documents.send(
      new PutCommand({
        TableName: names.table,
        Item: {
          owner,
          id,
          fileName: 'lost.jpg',
          contentType: 'image/jpeg',
          size: 1000,
          status: 'COMPLETED',
          ownerStatus: `${owner}#COMPLETED`,
          statusKey: 'UNANNOUNCED',
          createdAt: savedAt,
          updatedAt: savedAt,
          processedAt: savedAt,
          width: 10,
          height: 10,
          format: 'jpeg',
          thumbnails: [],
        },
      }),
    );
    const runSweeper = async () => {
      const result = await clients.lambda.send(
        new InvokeCommand({ FunctionName: names.functions.sweeper, Payload: JSON.stringify({}) }),
      );
      expect(result.FunctionError).toBeUndefined();
    };

    await runSweeper();

    const messages = await snsMessagesAbout(id);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Message ?? '{}')).toEqual({
      owner,
      id,
      status: 'COMPLETED',
      dedupeKey: `${id}#COMPLETED#${savedAt}`,
    });
    const item = await getImageItem(clients, owner, id);
    expect(item?.publishedAt).toEqual(expect.any(String));
    expect(item?.statusKey).toBeUndefined();

    await runSweeper();
    expect(await snsMessagesAbout(id)).toHaveLength(1);
  });
});

describe('a Publish that times out after the image was COMPLETED', () => {
  it('is announced later by the sweeper, found UNANNOUNCED on byStatus, with its dedupe key', async () => {
    const clients = clientsFor();
    const user = await createUser('publish-timeout');
    const jpeg = await sharp(photo('coffee.png')).resize(320, 240).jpeg().toBuffer();
    // The first publish call outlasts the function's timeout: Sandbox.Timedout, the execution fails.
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        {
          service: 'lambda',
          operation: 'Invoke',
          match: names.functions.publish,
          latencyMs: functionSpecs.publish.timeoutSeconds * 1000 + 1000,
          count: 1,
        },
      ]),
    });
    const { image } = await uploadJpeg(user, jpeg);
    const key = keys.original(image.owner, image.id);

    const [timedOut] = await eventually(
      async () => {
        const failed = (await executionsFor(key)).filter((e) => e.status === 'FAILED');
        return failed.length > 0 ? failed : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the execution whose Publish timed out to fail' },
    );
    expect(timedOut?.states).toContain('SaveResult');
    expect(timedOut?.states).toContain('Publish');
    await admin('faults', { method: 'PUT', body: '[]' });
    const saved = await waitForStatus(clients, image.owner, image.id, ['COMPLETED']);
    expect(saved.statusKey).toBe('UNANNOUNCED');
    expect(saved.publishedAt).toBeUndefined();
    expect(await snsMessagesAbout(image.id)).toEqual([]);

    // Past the sweeper's grace period (60 s after the save) it announces the image.
    const dedupeKey = `${image.id}#COMPLETED#${saved.processedAt}`;
    const messages = await eventually(
      async () => {
        const result = await clients.lambda.send(
          new InvokeCommand({ FunctionName: names.functions.sweeper, Payload: JSON.stringify({}) }),
        );
        expect(result.FunctionError).toBeUndefined();
        const found = await snsMessagesAbout(image.id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 3_000, what: 'the sweeper to announce the image' },
    );
    // Repeats are allowed (the stack's own sweeper may run too); every one carries the same key.
    expect(new Set(messages.map((m) => JSON.parse(m.Message).dedupeKey))).toEqual(new Set([dedupeKey]));
    expect(JSON.parse(messages[0]?.Message ?? '{}')).toEqual({
      owner: image.owner,
      id: image.id,
      status: 'COMPLETED',
      dedupeKey,
    });
    const announced = await getImageItem(clients, image.owner, image.id);
    expect(announced?.publishedAt).toEqual(expect.any(String));
    expect(announced?.statusKey).toBeUndefined();
  }, 300_000);
});

describe('an image dispatch fails at the retry limit', () => {
  it('is announced as the publish step announces, recorded, and not announced again by the sweeper', async () => {
    const clients = clientsFor();
    const user = await createUser('dispatch-announce');
    const jpeg = await sharp(photo('coffee.png')).resize(320, 240).jpeg().toBuffer();
    // Every attempt fails for platform reasons until dispatch gives up at the last receive.
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        { service: 'rekognition', error: 'InternalServerError', status: 500, match: `uploads/${user.sub}/*` },
      ]),
    });
    const { image } = await uploadJpeg(user, jpeg);

    const failed = await waitForStatus(clients, image.owner, image.id, ['FAILED'], 150_000);
    await admin('faults', { method: 'PUT', body: '[]' });
    expect(failed.error).toMatchObject({ code: 'ServiceUnavailable' });
    const recorded = await eventually(
      async () => {
        const item = await getImageItem(clients, image.owner, image.id);
        return item?.publishedAt ? item : undefined;
      },
      { what: 'the failure announcement to be recorded' },
    );
    expect(recorded.statusKey).toBeUndefined();
    const dedupeKey = `${image.id}#FAILED#${failed.processedAt}`;
    const bodies = async () => (await snsMessagesAbout(image.id)).map((m) => JSON.parse(m.Message));
    expect(await bodies()).toEqual([{ owner: image.owner, id: image.id, status: 'FAILED', dedupeKey }]);

    const result = await clients.lambda.send(
      new InvokeCommand({ FunctionName: names.functions.sweeper, Payload: JSON.stringify({}) }),
    );
    expect(result.FunctionError).toBeUndefined();
    expect(await bodies()).toHaveLength(1);
  }, 200_000);
});
