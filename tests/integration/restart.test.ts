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

describe('a stack killed in the middle of processing', () => {
  it('ends with every image terminal after a restart', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-restart-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await stacks.start(dataDir);
    const firstClients = clientsFor({ url: first.url, accessKeyId, secretAccessKey });
    const user = await createUser('restart', { ...first, accessKeyId, secretAccessKey });
    // Thumbnails take a minute: every image is caught PROCESSING when the stack dies.
    await admin(
      'faults',
      {
        method: 'PUT',
        body: JSON.stringify([
          { service: 'lambda', operation: 'Invoke', match: names.functions.thumbnails, latencyMs: 60_000 },
        ]),
      },
      first,
    );
    const jpeg = await sharp(photo('coffee.png')).jpeg().toBuffer();
    const images: PendingImage[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { image, response } = await uploadJpeg({ ...user, stack: first }, jpeg);
      expect(response.status).toBe(204);
      images.push(image);
    }
    const statuses = (clients: typeof firstClients) =>
      Promise.all(
        images.map(async (image) => String((await getImageItem(clients, image.owner, image.id))?.status)),
      );
    await eventually(
      async () => ((await statuses(firstClients)).every((s) => s === 'PROCESSING') ? true : undefined),
      {
        what: 'every image PROCESSING',
      },
    );

    await stacks.kill(first);
    const second = await stacks.start(dataDir);
    const secondClients = clientsFor({ url: second.url, accessKeyId, secretAccessKey });

    const final = await eventually(
      async () => {
        const now = await statuses(secondClients);
        return now.every((s) => ['COMPLETED', 'FLAGGED', 'FAILED'].includes(s)) ? now : undefined;
      },
      { timeoutMs: 60_000, what: 'every image terminal after the restart' },
    );
    // Re-driven from the start, the images complete as if nothing had happened.
    expect(final).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    console.info(
      `restart: stack booted in ${second.bootMs} ms on existing data (first boot ${first.bootMs} ms)`,
    );

    await stacks.stop(second);
  });
});
