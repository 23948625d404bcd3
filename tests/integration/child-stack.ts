/**
 * Test support: local stacks in child processes (stack-process.ts) that tests may SIGKILL, and the
 * clean-up of whatever a killed stack left behind (its children, its DynamoDB Local, its data).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';

const script = path.join(import.meta.dirname, 'stack-process.ts');
const tsx = createRequire(import.meta.url).resolve('tsx/esm');

/** What stack-process.ts prints once ready. */
export interface ChildStackInfo {
  url: string;
  graphqlUrl: string;
  userPoolClientId: string;
  bootMs: number;
}

export interface ChildStack extends ChildStackInfo {
  child: ChildProcess;
}

export class ChildStacks {
  private readonly children: ChildProcess[] = [];
  private readonly dataDirs = new Set<string>();

  /** Starts a stack in a child process on `dataDir`; resolves once it printed its URL. */
  async start(dataDir: string): Promise<ChildStack> {
    this.dataDirs.add(dataDir);
    const child = spawn(process.execPath, ['--import', tsx, script], {
      env: { ...process.env, DARKROOM_DATA_DIR: dataDir, DARKROOM_PORT: '0', DARKROOM_VISION: 'off' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.children.push(child);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`stack exited (${code})`))),
    );
    const ready = new Promise<ChildStackInfo>((resolve) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line.startsWith('{"url"')) resolve(JSON.parse(line) as ChildStackInfo);
      });
    });
    return { child, ...(await Promise.race([ready, exited])) };
  }

  /** SIGKILL, as a crash or `kill -9` would; resolves once the process is gone. */
  async kill(stack: ChildStack): Promise<void> {
    stack.child.kill('SIGKILL');
    if (stack.child.exitCode === null && stack.child.signalCode === null)
      await new Promise((resolve) => stack.child.once('exit', resolve));
  }

  async stop(stack: ChildStack): Promise<void> {
    stack.child.kill('SIGTERM');
    if (stack.child.exitCode === null && stack.child.signalCode === null)
      await new Promise((resolve) => stack.child.once('exit', resolve));
  }

  /** Kills what is still running, the DynamoDB Local a killed stack left behind, and the data. */
  async cleanUp(): Promise<void> {
    for (const child of this.children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dataDir of this.dataDirs) {
      const pid = Number(await readFile(path.join(dataDir, 'dynamodb', 'java.pid'), 'utf8').catch(() => ''));
      const commandLine = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
      if (commandLine.includes('DynamoDBLocal.jar') && commandLine.includes(dataDir))
        process.kill(pid, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}
