import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
    const saved = JSON.parse(await readFile(file, 'utf8')) as ExecutionRecord[];
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

    const saved = JSON.parse(await readFile(file, 'utf8')) as ExecutionRecord[];
    expect(saved.map((r) => r.name)).toEqual(['first', 'second']);
  });

  it('writes on its own after the delay, without a flush', async () => {
    const file = path.join(dir, 'executions.json');
    const store = new ExecutionStore(file, 1000, 10);
    store.add(record('alone'));

    const saved = await new Promise<ExecutionRecord[]>((resolve) => {
      const poll = () =>
        readFile(file, 'utf8').then(
          (text) => resolve(JSON.parse(text) as ExecutionRecord[]),
          () => setTimeout(poll, 10),
        );
      poll();
    });

    expect(saved.map((r) => r.name)).toEqual(['alone']);
  });
});
