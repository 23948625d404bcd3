/**
 * Moderators for integration tests, made as a person makes one: the documented command
 * (`darkroom admin add-moderator <email>`, SigV4 with the stack's credentials), then a fresh sign-in
 * so the group reaches the tokens.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { stackInfo } from './support.ts';
import { createUser, signInUser, type TestUser } from './users.ts';

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `darkroom admin add-moderator <email>`, run as a user runs it (its own config home, removed after). */
export async function addModerator(email: string): Promise<CommandRun> {
  const outputs = path.join(stackInfo().dataDir, 'amplify_outputs.json');
  const configHome = await mkdtemp(path.join(tmpdir(), 'darkroom-moderator-'));
  try {
    return await new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.resolve('client-sdk/bin/darkroom.mjs'), '--outputs', outputs, 'admin', 'add-moderator', email],
        { env: { ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' }, timeout: 45_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  } finally {
    await rm(configHome, { recursive: true, force: true });
  }
}

/** A new user in the `moderators` group, signed in again so its tokens carry the group. */
export async function makeModerator(prefix: string): Promise<TestUser> {
  const user = await createUser(prefix);
  const run = await addModerator(user.username);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return { ...user, ...(await signInUser(user.username, user.password)) };
}
