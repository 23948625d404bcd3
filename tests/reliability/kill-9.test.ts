/**
 * `kill -9` of a stack in a child process in the middle of work, then a restart on the same data:
 * images caught PROCESSING complete, an upload still pending keeps waiting (its expiry survives in
 * the TTL index), and the restarted stack takes new uploads.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { ChildStacks } from '../integration/child-stack.ts';
import {
  admin,
  clientsFor,
  eventually,
  getImageItem,
  type PendingImage,
  requestUpload,
  stackInfo,
  uploadJpeg,
} from '../integration/support.ts';
import { createUser } from '../integration/users.ts';
import { printSummary, record } from './summary.ts';

const stacks = new ChildStacks();
afterAll(async () => {
  printSummary('kill -9 and recovery');
  await stacks.cleanUp();
});

describe('kill -9 of a running stack', () => {
  it('recovers every image after a restart on the same data', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-kill-9-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await stacks.start(dataDir);
    const firstClients = clientsFor({ url: first.url, accessKeyId, secretAccessKey });
    const user = {
      ...(await createUser('kill-9', { ...first, accessKeyId, secretAccessKey })),
      stack: first,
    };
    // Thumbnails take a minute: the uploads are caught PROCESSING when the stack dies.
    await admin(
      'faults',
      {
        method: 'PUT',
        body: JSON.stringify([{ service: 'lambda', match: names.functions.thumbnails, latencyMs: 60_000 }]),
      },
      first,
    );
    const jpeg = await sharp(photo('astronaut.png')).resize(200).jpeg().toBuffer();
    const processing: PendingImage[] = [];
    for (let i = 0; i < 2; i += 1) processing.push((await uploadJpeg(user, jpeg)).image);
    // Asked for, never uploaded.
    const { image: waiting } = await requestUpload(user, { contentType: 'image/jpeg', size: 100 });
    const statusOf = (clients: typeof firstClients, image: PendingImage) =>
      getImageItem(clients, image.owner, image.id).then((item) => String(item?.status));
    await eventually(
      async () =>
        (await Promise.all(processing.map((image) => statusOf(firstClients, image)))).every(
          (s) => s === 'PROCESSING',
        )
          ? true
          : undefined,
      { what: 'both uploads PROCESSING' },
    );

    await stacks.kill(first);
    const second = await stacks.start(dataDir);
    const secondClients = clientsFor({ url: second.url, accessKeyId, secretAccessKey });

    const recovered = await eventually(
      async () => {
        const now = await Promise.all(processing.map((image) => statusOf(secondClients, image)));
        return now.every((s) => ['COMPLETED', 'FLAGGED', 'FAILED'].includes(s)) ? now : undefined;
      },
      { timeoutMs: 60_000, what: 'every image terminal after the restart' },
    );
    const stillWaiting = await statusOf(secondClients, waiting);
    const expiryIndex = await readFile(path.join(dataDir, 'dynamodb', 'ttl-index.log'), 'utf8');
    const health = await admin<{ status: string }>('health', {}, second);
    // The restarted stack's issuer has another port: the user signs in again there.
    const again = await createUser('kill-9-after', { ...second, accessKeyId, secretAccessKey });
    const fresh = await uploadJpeg({ ...again, stack: second }, jpeg);
    const freshStatus = await eventually(
      async () => {
        const status = await statusOf(secondClients, fresh.image);
        return status === 'COMPLETED' ? status : undefined;
      },
      { what: 'a new upload to complete on the restarted stack' },
    );

    const rows = [
      record({
        area: 'kill -9',
        case: 'uploads caught PROCESSING',
        expected: 'COMPLETED,COMPLETED',
        actual: recovered.join(','),
      }),
      record({
        area: 'kill -9',
        case: 'upload still pending',
        expected: 'PENDING_UPLOAD',
        actual: stillWaiting,
      }),
      record({
        area: 'kill -9',
        case: 'its expiry kept in the TTL index',
        expected: 'indexed',
        actual: expiryIndex.includes(waiting.id) ? 'indexed' : 'missing',
      }),
      record({ area: 'kill -9', case: 'health after restart', expected: 'ok', actual: health.status }),
      record({
        area: 'kill -9',
        case: 'a new upload after restart',
        expected: 'COMPLETED',
        actual: freshStatus,
      }),
    ];
    expect(rows.map((row) => row.actual)).toEqual(rows.map((row) => row.expected));
    await stacks.stop(second);
  });
});
