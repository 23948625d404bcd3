/**
 * Boot never hangs. Two stacks are started one after another while a worker keeps a core busy (as
 * right after a heavy run), each must answer health 200 and stop; and `npm start`'s entry point,
 * with a part that cannot come up (no Java for DynamoDB Local), exits non-zero naming that part.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../local/config.ts';
import { startStack } from '../../local/stack.ts';

const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
let busy: Worker | undefined;

beforeAll(() => {
  // One core spinning for the whole file: boots meet a machine that is not idle.
  busy = new Worker('const end = Date.now() + 600000; while (Date.now() < end) {}', { eval: true });
});

afterAll(async () => {
  await busy?.terminate();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'darkroom-boot-'));
  folders.push(folder);
  return folder;
}

describe('boot', () => {
  it('starts and stops stacks one after another on a busy machine, healthy each time', async () => {
    const healthy: number[] = [];
    for (let run = 0; run < 2; run += 1) {
      const stack = await startStack(
        loadConfig({}, { port: 0, dataDir: await dataDir(), visionMode: 'off' }),
        {
          writeRootOutputs: false,
          log: () => {},
          serviceLog: () => {},
          dynamoDbWarmUpCalls: 0,
        },
      );
      try {
        const health = await fetch(`${stack.url}/_darkroom/health`, { signal: AbortSignal.timeout(10_000) });
        healthy.push(health.status);
      } finally {
        await stack.stop();
      }
    }
    expect(healthy).toEqual([200, 200]);
  }, 300_000);

  it('keeps serving, and stops cleanly, once the reader of its output is gone (EPIPE)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local/main.ts')], {
      cwd: root,
      env: { ...process.env, DARKROOM_PORT: '0', DARKROOM_DATA_DIR: await dataDir(), DARKROOM_VISION: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const health = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /health\s+(\S+)/.exec(output);
        if (found?.[1]) resolve(found[1]);
      });
      exited.then(() => reject(new Error(`the stack exited before it was ready:\n${output}`)));
    });
    // As `npm start | head` does once head has its lines: the reading end closes.
    child.stdout.destroy();
    child.stderr.destroy();

    expect((await fetch(health, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    // Stopping logs a line into the broken pipe; before, that EPIPE ended the process with 1.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);

  it('exits non-zero naming the part that did not come up', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local/main.ts')], {
      cwd: root,
      // No `java` on the PATH: DynamoDB Local cannot start.
      env: {
        HOME: process.env.HOME ?? '/tmp',
        PATH: '/nonexistent',
        DARKROOM_PORT: '0',
        DARKROOM_DATA_DIR: await dataDir(),
        DARKROOM_VISION: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).not.toBe(0);
    expect(output).toContain('the dynamodb provider did not start');
    expect(output).toContain('Java');
  }, 120_000);
});
