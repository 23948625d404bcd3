/**
 * Issue 13, defect 1: a presigned POST stays valid for minutes, so one ticket can store two
 * versions of the original. The version whose event claims the item is the one every step reads;
 * the other is deleted, whether it arrives during processing or after.
 */
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  eventually,
  executionsFor,
  postUpload,
  requestUpload,
  waitForStatus,
} from './support.ts';
import { createUser } from './users.ts';

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('an upload ticket used twice', () => {
  it('processes the version that claimed the item and deletes the other, though it arrived during processing', async () => {
    const clients = clientsFor();
    const first = await sharp(photo('coffee.png')).resize(640, 480, { fit: 'fill' }).jpeg().toBuffer();
    const second = await sharp(photo('astronaut.png')).resize(240, 480, { fit: 'fill' }).jpeg().toBuffer();
    const user = await createUser('reuse');
    const { image, ticket } = await requestUpload(user, { contentType: 'image/jpeg', size: 1024 * 1024 });
    const key = keys.original(image.owner, image.id);
    // Slow thumbnails leave time for the second POST to land while the first is processed.
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        { service: 'lambda', operation: 'Invoke', match: names.functions.thumbnails, latencyMs: 3000 },
      ]),
    });

    expect((await postUpload(ticket, first, 'image/jpeg')).status).toBe(204);
    await waitForStatus(clients, image.owner, image.id, ['PROCESSING']);
    expect((await postUpload(ticket, second, 'image/jpeg')).status).toBe(204);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    await admin('faults', { method: 'PUT', body: '[]' });

    expect(item.status).toBe('COMPLETED');
    expect(item).toMatchObject({ width: 640, height: 480, bytes: first.length });
    const large = (
      item.thumbnails as Array<{ size: string; format: string; width: number; height: number }>
    ).find((t) => t.size === 'LARGE' && t.format === 'JPEG');
    expect([large?.width, large?.height]).toEqual([600, 450]);
    // The second version's own event deletes it: while the first holds the lease its message comes
    // back later (flow control), so wait for the execution that ends in SupersededVersionDeleted.
    await eventually(
      async () => {
        const executions = await executionsFor(key);
        return executions.some((e) => e.states.includes('SupersededVersionDeleted')) ? executions : undefined;
      },
      { what: 'the superseded version to be deleted', timeoutMs: 150_000, intervalMs: 500 },
    );
    const listing = await clients.s3.send(
      new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: key }),
    );
    expect(listing.Versions?.map((v) => v.VersionId)).toEqual([item.originalVersionId]);
    expect(listing.DeleteMarkers ?? []).toEqual([]);
    const stored = await clients.s3.send(new GetObjectCommand({ Bucket: names.localBucket, Key: key }));
    expect(Buffer.from(await (stored.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(first);
  }, 200_000);

  it('deletes a version uploaded after the image was finished, leaving the record and its thumbnails true', async () => {
    const clients = clientsFor();
    const first = await sharp(photo('coffee.png')).resize(640, 480, { fit: 'fill' }).jpeg().toBuffer();
    const second = await sharp(photo('astronaut.png')).resize(240, 480, { fit: 'fill' }).jpeg().toBuffer();
    const user = await createUser('reuse');
    const { image, ticket } = await requestUpload(user, { contentType: 'image/jpeg', size: 1024 * 1024 });
    const key = keys.original(image.owner, image.id);

    expect((await postUpload(ticket, first, 'image/jpeg')).status).toBe(204);
    const done = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    expect((await postUpload(ticket, second, 'image/jpeg')).status).toBe(204);
    const executions = await eventually(
      async () => {
        const found = await executionsFor(key);
        return found.length === 2 && found.every((e) => e.status !== 'RUNNING') ? found : undefined;
      },
      { what: 'both executions to finish' },
    );

    expect(executions.some((e) => e.states.includes('SupersededVersionDeleted'))).toBe(true);
    const listing = await clients.s3.send(
      new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: key }),
    );
    expect(listing.Versions?.map((v) => v.VersionId)).toEqual([done.originalVersionId]);
  });
});
