/**
 * Issue 13, defect 3 (the announcement half): `kill -9` in the middle of a burst, with executions
 * in flight between SaveResult and Publish, then a restart on the same data. Every image POSTed
 * with a 204 ends terminal AND is announced: its SNS message (kept in the data folder across the
 * restart) carries the dedupe key of its final state. Repeats are allowed — the SDK drops them by
 * that key — so the check is on distinct dedupe keys: exactly one per image.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { announcementDedupeKey } from '../../contracts/announcement.ts';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { ChildStacks } from '../integration/child-stack.ts';
import {
  admin,
  clientsFor,
  eventually,
  getImageItem,
  type PendingImage,
  type SnsMessageSummary,
  stackInfo,
  uploadJpeg,
} from '../integration/support.ts';
import { createUser } from '../integration/users.ts';

const stacks = new ChildStacks();
afterAll(() => stacks.cleanUp());

const terminal = ['COMPLETED', 'FLAGGED', 'FAILED'];

describe('kill -9 in the middle of a burst', () => {
  it('announces every image that ends terminal after the restart, each with its dedupe key', {
    timeout: 300_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-kill-9-announce-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await stacks.start(dataDir);
    const user = await createUser('kill-9-announce', { ...first, accessKeyId, secretAccessKey });
    // Slow thumbnails keep executions in flight; a slow publish widens the window between the
    // saved result and its announcement, where a kill leaves an image terminal but unannounced.
    await admin(
      'faults',
      {
        method: 'PUT',
        body: JSON.stringify([
          { service: 'lambda', operation: 'Invoke', match: names.functions.thumbnails, latencyMs: 1_000 },
          { service: 'lambda', operation: 'Invoke', match: names.functions.publish, latencyMs: 1_500 },
        ]),
      },
      first,
    );
    const jpeg = await sharp(photo('coffee.png')).resize(320, 240).jpeg().toBuffer();
    const posted: PendingImage[] = [];
    const total = 12;
    const killAfter = 8;
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
        if (posted.length >= killAfter && !killed) killed = stacks.kill(first);
      }
    };
    await Promise.all(Array.from({ length: 4 }, uploader));
    await killed;
    expect(posted.length).toBeGreaterThanOrEqual(killAfter);

    const second = await stacks.start(dataDir);
    const clients = clientsFor({ url: second.url, accessKeyId, secretAccessKey });
    const items = await eventually(
      async () => {
        const now = await Promise.all(posted.map((image) => getImageItem(clients, image.owner, image.id)));
        // Terminal and announced: the announcement is recorded after its messages went out.
        return now.every((item) => terminal.includes(String(item?.status)) && item?.publishedAt)
          ? now
          : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: 'every POSTed image terminal and announced' },
    );

    // The topic's messages of both runs (the local SNS keeps them in the data folder).
    const messages = await admin<SnsMessageSummary[]>('sns/messages', {}, second);
    const keysById = new Map<string, Set<string>>();
    for (const message of messages) {
      const body = JSON.parse(message.Message) as { id?: string; dedupeKey?: string };
      if (!body.id || !body.dedupeKey) continue;
      keysById.set(body.id, (keysById.get(body.id) ?? new Set()).add(body.dedupeKey));
    }
    const announced = posted.map((image, index) => {
      const item = items[index];
      return {
        id: image.id,
        status: String(item?.status),
        dedupeKeys: [...(keysById.get(image.id) ?? [])],
        expected: announcementDedupeKey({
          id: image.id,
          status: String(item?.status),
          processedAt: String(item?.processedAt),
        }),
      };
    });
    // Exactly one distinct dedupe key per image, the one of its final state.
    expect(announced.map((a) => a.dedupeKeys)).toEqual(announced.map((a) => [a.expected]));
    const distinct = new Set(announced.flatMap((a) => a.dedupeKeys));
    expect(distinct.size).toBe(posted.length);
    // The queue kept every message and the restart released every lease: nothing failed.
    expect(announced.map((a) => a.status)).toEqual(posted.map(() => 'COMPLETED'));
    console.info(
      `kill -9 announcement: ${posted.length} POSTed before the kill, ${messages.length} topic messages, ${distinct.size} distinct dedupe keys`,
    );

    await stacks.stop(second);
  });
});
