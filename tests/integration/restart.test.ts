import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { ChildStacks } from './child-stack.ts';
import {
  admin,
  clientsFor,
  eventually,
  getImageItem,
  type PendingImage,
  stackInfo,
  uploadJpeg,
} from './support.ts';
import { createUser } from './users.ts';

const stacks = new ChildStacks();
afterAll(() => stacks.cleanUp());

describe('a stack killed in the middle of a burst', () => {
  it('ends with every POSTed image terminal after a restart on the same data', {
    timeout: 300_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-restart-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await stacks.start(dataDir);
    const user = await createUser('restart', { ...first, accessKeyId, secretAccessKey });
    // Slow thumbnails keep executions in flight (leases taken, messages unacknowledged) at the kill.
    await admin(
      'faults',
      {
        method: 'PUT',
        body: JSON.stringify([
          { service: 'lambda', operation: 'Invoke', match: names.functions.thumbnails, latencyMs: 2_000 },
        ]),
      },
      first,
    );
    const jpeg = await sharp(photo('coffee.png')).resize(640, 480).jpeg().toBuffer();
    const posted: PendingImage[] = [];
    const total = 10;
    const killAfter = 6;
    let started = 0;
    let killed: Promise<unknown> | undefined;
    const uploader = async () => {
      while (started < total && !killed) {
        started += 1;
        try {
          const { image, response } = await uploadJpeg({ ...user, stack: first }, jpeg);
          // Only a 204 promises processing; a POST cut off by the kill is the client's to retry.
          if (response.status === 204) posted.push(image);
        } catch {
          // The connection died with the stack.
        }
        if (posted.length >= killAfter && !killed) {
          killed = stacks.kill(first);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, uploader));
    await killed;
    expect(posted.length).toBeGreaterThanOrEqual(killAfter);

    const restarting = Date.now();
    const second = await stacks.start(dataDir);
    const booted = Date.now();
    const secondClients = clientsFor({ url: second.url, accessKeyId, secretAccessKey });
    const statuses = () =>
      Promise.all(
        posted.map(async (image) =>
          String((await getImageItem(secondClients, image.owner, image.id))?.status),
        ),
      );
    const final = await eventually(
      async () => {
        const now = await statuses();
        return now.every((s) => ['COMPLETED', 'FLAGGED', 'FAILED'].includes(s)) ? now : undefined;
      },
      { timeoutMs: 180_000, what: 'every POSTed image terminal after the restart' },
    );
    // The queue kept every message; released leases let them claim at once: nothing lost, nothing failed.
    expect(final).toEqual(posted.map(() => 'COMPLETED'));
    console.info(
      `restart: ${posted.length} POSTed before the kill; restart took ${booted - restarting} ms (boot ${second.bootMs} ms), all terminal ${Date.now() - booted} ms later`,
    );

    await stacks.stop(second);
  });
});
