import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicDataStoreFactory } from './atomic-data-store.ts';

const ctx = {
  logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
} as unknown as Parameters<AtomicDataStoreFactory['create']>[0];

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('AtomicDataStoreFactory', () => {
  it('never lets a reader (or a kill -9) find the pool file empty or partial while saves run, and ends with the last state', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'darkroom-cognito-store-'));
    const store = await new AtomicDataStoreFactory(directory).create(ctx, 'pool', { Users: {} });
    const file = path.join(directory, 'pool.json');

    // Big and small states alternate, as sign-ups and sign-outs do; none is awaited before the next.
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 200; i += 1) {
      saves.push(store.set(ctx, ['Users'], { [`u${i}`]: 'x'.repeat(i % 2 === 0 ? 200_000 : 10) }));
    }
    const torn: string[] = [];
    let done = false;
    const all = Promise.all(saves).then(() => {
      done = true;
    });
    while (!done) {
      const text = readFileSync(file, 'utf8');
      try {
        JSON.parse(text);
      } catch {
        torn.push(`${text.length} bytes`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await all;
    expect(torn).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).Users).toEqual({ u199: 'x'.repeat(10) });
  });
});
