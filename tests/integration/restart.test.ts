import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
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

const script = path.join(import.meta.dirname, 'stack-process.ts');
const tsx = createRequire(import.meta.url).resolve('tsx/esm');
const children: ChildProcess[] = [];
let dataDir: string | undefined;

/** Starts a stack in a child process on `dir`; resolves with its URL once it printed it. */
interface StackProcess {
  child: ChildProcess;
  url: string;
  graphqlUrl: string;
  userPoolClientId: string;
  bootMs: number;
}

async function startStackProcess(dir: string): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', tsx, script], {
    env: { ...process.env, DARKROOM_DATA_DIR: dir, DARKROOM_PORT: '0', DARKROOM_VISION: 'off' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`stack exited (${code})`))),
  );
  const ready = new Promise<Omit<StackProcess, 'child'>>((resolve) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('{"url"')) resolve(JSON.parse(line) as Omit<StackProcess, 'child'>);
    });
  });
  return { child, ...(await Promise.race([ready, exited])) };
}

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!dataDir) return;
  // A stack killed here leaves its DynamoDB Local behind: the pid file names it.
  const pid = Number(await readFile(path.join(dataDir, 'dynamodb', 'java.pid'), 'utf8').catch(() => ''));
  const commandLine = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
  if (commandLine.includes('DynamoDBLocal.jar') && commandLine.includes(dataDir))
    process.kill(pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('a stack killed in the middle of a burst', () => {
  it('ends with every POSTed image terminal after a restart on the same data', {
    timeout: 300_000,
  }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-restart-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await startStackProcess(dataDir);
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
          first.child.kill('SIGKILL');
          killed = new Promise((resolve) => first.child.once('exit', resolve));
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, uploader));
    await killed;
    expect(posted.length).toBeGreaterThanOrEqual(killAfter);

    const restarting = Date.now();
    const second = await startStackProcess(dataDir);
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

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
