import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.ts';

let folder: string;
let file: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'darkroom-journal-'));
  file = path.join(folder, 'sqs', 'journal.jsonl');
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function lines(): Promise<unknown[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('Journal', () => {
  it('group-commits concurrent appends and keeps them in order', async () => {
    const journal = new Journal({ file, snapshot: () => [] });
    await journal.load();
    await journal.open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => journal.append([{ n: i }])));
    expect(await lines()).toEqual(Array.from({ length: 20 }, (_, i) => ({ n: i })));
    await journal.close();
  });

  it('rewrites itself from the snapshot once appends outnumber the live state', async () => {
    const live = new Map<number, { n: number }>();
    const journal = new Journal({
      file,
      snapshot: () => [...live.values()],
      compactAfterLines: 10,
      compactRatio: 2,
    });
    await journal.load();
    await journal.open();
    for (let i = 0; i < 12; i += 1) {
      live.set(i, { n: i });
      await journal.append([{ n: i }]);
      if (i % 2 === 0) {
        live.delete(i);
        await journal.append([{ deleted: i }]);
      }
    }
    // The rewrite runs after the flush that crossed the threshold; close() waits for it.
    await journal.close();
    const records = await lines();
    expect(records.length).toBeLessThan(18);
    expect(records).toEqual(expect.arrayContaining([...live.values()]));
  });

  it('fails pending appends when abandoned (a crash answers nobody)', async () => {
    const journal = new Journal({ file, snapshot: () => [] });
    await journal.load();
    await journal.open();
    const pending = journal.append([{ n: 1 }]);
    journal.abandon();
    await expect(pending).rejects.toThrow(/abandoned/);
  });
});
