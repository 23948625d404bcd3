import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExecutionRecord, ExecutionStore } from './execution-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'execution-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (name: string): ExecutionRecord => ({
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:m:${name}`,
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
  name,
  status: 'RUNNING',
  input: '{}',
  startDate: new Date(0).toISOString(),
  states: [],
  retries: {},
});

/** What a restarted stack reads back (RUNNING ones come back ABORTED). */
async function reload(file: string, limit = 1000): Promise<ExecutionRecord[]> {
  const store = new ExecutionStore(file, limit, 60_000);
  await store.load();
  return store.list().reverse();
}

describe('ExecutionStore persistence', () => {
  it('writes one snapshot for a burst of changes, holding the newest state of each', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 60_000);
    for (let i = 0; i < 50; i += 1) {
      const r = record(`e${i}`);
      store.add(r);
      store.update(r.executionArn, { status: 'SUCCEEDED', output: `{"i":${i}}` });
    }

    await store.flush();

    expect(store.writes).toBe(1);
    const saved = await reload(file);
    expect(saved).toHaveLength(50);
    expect(saved.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(saved[49]?.output).toBe('{"i":49}');
  });

  it('writes a change made while a snapshot is on its way to disk in a later one', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 60_000);
    store.add(record('first'));
    const writing = store.flush();
    store.add(record('second'));
    await writing;

    await store.flush();

    const saved = await reload(file);
    expect(saved.map((r) => r.name)).toEqual(['first', 'second']);
  });

  it('writes on its own after the delay, without a flush', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 10);
    store.add(record('alone'));

    const saved = await new Promise<ExecutionRecord[]>((resolve) => {
      const poll = () =>
        readFile(file, 'utf8').then(
          (text) => (text.length > 0 ? resolve(reload(file)) : setTimeout(poll, 10)),
          () => setTimeout(poll, 10),
        );
      poll();
    });

    expect(saved.map((r) => r.name)).toEqual(['alone']);
  });

  it('appends only what changed: its cost follows the work, not the history', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 60_000);
    for (let i = 0; i < 200; i += 1) store.add(record(`old${i}`));
    await store.flush();
    const before = (await readFile(file, 'utf8')).length;

    store.update(record('old7').executionArn, { status: 'SUCCEEDED', output: '{"done":true}' });
    await store.flush();

    const after = await readFile(file, 'utf8');
    expect(store.rewrites).toBe(1);
    // One line more, not the 200 executions again.
    expect(after.length - before).toBeLessThan(before / 100);
    const saved = await reload(file);
    expect(saved).toHaveLength(200);
    expect(saved[7]).toMatchObject({ name: 'old7', status: 'SUCCEEDED', output: '{"done":true}' });
    expect(saved[8]).toMatchObject({ name: 'old8', status: 'ABORTED' });
  });

  it('rewrites the journal whole once its lines outnumber twice the history', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 5, 60_000);
    const r = record('busy');
    store.add(r);
    await store.flush();
    for (let i = 0; i < 12; i += 1) {
      store.update(r.executionArn, { states: [`s${i}`] });
      await store.flush();
    }

    expect(store.rewrites).toBe(2);
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect((await reload(file))[0]?.states).toEqual(['s11']);
  });

  it('skips a line cut short by a crash, keeping the execution\u2019s earlier state', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 60_000);
    const r = record('torn');
    store.add(r);
    await store.flush();
    await appendFile(file, JSON.stringify({ ...r, status: 'SUCCEEDED' }).slice(0, 40));

    const saved = await reload(file);

    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ name: 'torn', status: 'ABORTED' });
  });

  it('reads a history saved in the old format (one JSON array)', async () => {
    const file = path.join(dir, 'executions.json');
    await writeFile(file, JSON.stringify([{ ...record('legacy'), status: 'SUCCEEDED' }]));

    expect((await reload(file)).map((r) => [r.name, r.status])).toEqual([['legacy', 'SUCCEEDED']]);
  });
});
