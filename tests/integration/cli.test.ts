/**
 * The `darkroom` command as a user runs it: a child process with its own config folder, signed in
 * once, uploading real photo files through the pipeline, then list, get, delete and bad usage.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures.ts';
import { admin, stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

const bin = path.resolve('client-sdk/bin/darkroom.mjs');
const photos = [photo('chelsea.png'), photo('coffee.png')];

let configHome: string;
let user: TestUser;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `darkroom --outputs <stack outputs> …args` on this Node, as the package's bin would. */
function darkroom(...args: string[]): Promise<Run> {
  const outputs = path.join(stackInfo().dataDir, 'amplify_outputs.json');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, '--outputs', outputs, ...args],
      {
        env: { ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' },
        timeout: 45_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The ID column of the rows whose FILE column is `file`. */
function idsOf(table: string, file: string): string[] {
  return table
    .split('\n')
    .map((line) => line.split(/\s{2,}/))
    .filter((cells) => cells[1] === file)
    .map((cells) => cells[0] ?? '');
}

beforeAll(async () => {
  configHome = await mkdtemp(path.join(tmpdir(), 'darkroom-cli-'));
  user = await createUser('cli');
});

afterAll(async () => {
  await rm(configHome, { recursive: true, force: true });
});

describe('the darkroom CLI', () => {
  it('signs in once, uploads photos to COMPLETED, lists, gets and deletes them', async () => {
    const signIn = await darkroom('sign-in', user.username, user.password);
    expect(signIn).toMatchObject({ code: 0, stdout: `signed in as ${user.username}\n` });
    // The tokens outlive the process, kept per endpoint, readable by the user alone.
    const tokenFile = path.join(configHome, 'darkroom', 'tokens.json');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const tokens = JSON.parse(await readFile(tokenFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(tokens)).toEqual([stackInfo().graphqlUrl]);

    const upload = await darkroom('upload', ...photos);
    expect(upload.stderr).not.toMatch(/darkroom:/);
    expect(upload.code).toBe(0);
    const [chelsea] = idsOf(upload.stdout, 'chelsea.png');
    const [coffee] = idsOf(upload.stdout, 'coffee.png');
    expect(chelsea).toMatch(/^[0-9A-Z]{26}$/);
    expect(coffee).toMatch(/^[0-9A-Z]{26}$/);
    for (const line of upload.stdout.split('\n').filter((l) => l.includes('.png'))) {
      expect(line).toMatch(/\s{2}COMPLETED\s{2}/);
    }

    const list = await darkroom('list');
    expect(list.code).toBe(0);
    expect(idsOf(list.stdout, 'chelsea.png')).toEqual([chelsea]);
    expect(idsOf(list.stdout, 'coffee.png')).toEqual([coffee]);
    expect(list.stdout).toContain('451×300');
    expect(list.stdout).toContain('600×400');

    const get = await darkroom('get', coffee ?? '', '--json');
    expect(get.code).toBe(0);
    const image = JSON.parse(get.stdout) as {
      id: string;
      owner: string;
      status: string;
      thumbnails: unknown[];
    };
    expect(image).toMatchObject({ id: coffee, owner: user.sub, status: 'COMPLETED' });
    expect(image.thumbnails).toHaveLength(6);

    const deleted = await darkroom('delete', coffee ?? '');
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${coffee} (coffee.png)\n` });
    const gone = await darkroom('get', coffee ?? '');
    expect(gone).toMatchObject({ code: 1, stderr: `no image ${coffee}\n` });
    const after = await darkroom('list');
    expect(idsOf(after.stdout, 'coffee.png')).toEqual([]);
    expect(idsOf(after.stdout, 'chelsea.png')).toEqual([chelsea]);
  });

  it('searches by label (a parent label too) and shows the usage against the quotas', async () => {
    const searcher = await createUser('cli-search');
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        {
          service: 'rekognition',
          operation: 'DetectLabels',
          match: `uploads/${searcher.sub}/*`,
          response: {
            Labels: [{ Name: 'Cat', Confidence: 96, Parents: [{ Name: 'Animal' }] }],
            LabelModelVersion: '3.0',
          },
        },
      ]),
    });
    try {
      // Amplify refuses to sign in over another signed-in user.
      await darkroom('sign-out');
      expect((await darkroom('sign-in', searcher.username, searcher.password)).code).toBe(0);
      const upload = await darkroom('upload', photos[0] ?? '');
      expect(upload.code).toBe(0);
      const [chelsea] = idsOf(upload.stdout, 'chelsea.png');

      const byParent = await darkroom('search', 'ANIMAL');
      expect(byParent.code).toBe(0);
      expect(idsOf(byParent.stdout, 'chelsea.png')).toEqual([chelsea]);
      expect(idsOf((await darkroom('search', 'cat', '--faces')).stdout, 'chelsea.png')).toEqual([]);
      expect(idsOf((await darkroom('search', 'dog')).stdout, 'chelsea.png')).toEqual([]);

      const usage = await darkroom('usage', '--json');
      expect(usage.code).toBe(0);
      const figures = JSON.parse(usage.stdout) as { imagesToday: number; bytesStored: number };
      expect(figures.imagesToday).toBe(1);
      expect(figures.bytesStored).toBe((await stat(photos[0] ?? '')).size);
      expect((await darkroom('usage')).stdout).toContain('uploads today  1 of ');
    } finally {
      await admin('faults', { method: 'PUT', body: '[]' });
      await darkroom('sign-out');
      await darkroom('sign-in', user.username, user.password);
    }
  });

  it('exits 1 and reports FAILED when a file is not an image', async () => {
    const notes = path.join(configHome, 'notes.jpg');
    await writeFile(notes, 'milk, eggs, flour\n'.repeat(40));
    await darkroom('sign-in', user.username, user.password);
    const upload = await darkroom('upload', notes, photos[0] ?? '');
    expect(upload.code).toBe(1);
    const row = upload.stdout.split('\n').find((line) => line.includes('notes.jpg'));
    expect(row).toMatch(/\s{2}FAILED\s{2}/);
    expect(upload.stdout.split('\n').find((line) => line.includes('chelsea.png'))).toMatch(
      /\s{2}COMPLETED\s{2}/,
    );
  });

  it('exits 2 on bad usage', async () => {
    expect(await darkroom('upload')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
    expect(await darkroom('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect((await darkroom()).code).toBe(2);
    // Contradictory filters are a mistake to point out, not a choice to make for the user.
    expect(await darkroom('search', 'cat', '--faces', '--no-faces')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--faces and --no-faces'),
    });
  });
});
