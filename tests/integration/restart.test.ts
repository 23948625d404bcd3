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

describe('a stack killed in the middle of processing', () => {
  it('ends with every image terminal after a restart', { timeout: 180_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-restart-'));
    const { accessKeyId, secretAccessKey } = stackInfo();
    const first = await startStackProcess(dataDir);
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

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startStackProcess(dataDir);
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

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
