/**
 * The local Step Functions' execution history: kept in memory and persisted as one JSON file, so
 * `GET /_darkroom/executions` and DescribeExecution survive a restart.
 *
 * The file is the whole history (up to `limit` executions, megabytes), so writing it on every
 * change made its cost grow with the history: under a burst, two full snapshots per image were the
 * largest share of the main thread's CPU (docs/pipeline-cpu.md). Changes are coalesced instead:
 * at most one snapshot per `persistDelayMs`, always the newest state; `flush()` writes at once.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** JSON text, as the Step Functions API returns it. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  /** The states entered, in order (Parallel branch states included). */
  states: string[];
  /** Retries made, per state name. */
  retries: Record<string, number>;
}

export class ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private writing: Promise<void> = Promise.resolve();
  /** Changes not yet in a snapshot on their way to disk. */
  private dirty = false;
  /** The pending snapshot's timer (one at a time). */
  private timer: NodeJS.Timeout | undefined;
  /** Snapshots written so far (tests: coalescing is observable). */
  writes = 0;
  /** The last failed write, if any (the next change retries with the full snapshot). */
  lastWriteError: unknown;

  constructor(
    readonly file: string,
    /** Oldest finished executions are forgotten beyond this many. */
    private readonly limit = 1000,
    /** Changes within this window share one snapshot. */
    private readonly persistDelayMs = 1000,
  ) {}

  /** Reads the file; executions a previous process left RUNNING can never finish: ABORTED. */
  async load(now = new Date()): Promise<number> {
    this.records.clear();
    let saved: ExecutionRecord[] = [];
    try {
      saved = JSON.parse(await readFile(this.file, 'utf8')) as ExecutionRecord[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let aborted = 0;
    for (const record of saved) {
      if (record.status === 'RUNNING') {
        Object.assign(record, { status: 'ABORTED', stopDate: now.toISOString(), error: 'States.Aborted' });
        aborted += 1;
      }
      this.records.set(record.executionArn, record);
    }
    if (aborted > 0) this.persist();
    return aborted;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  /** Newest first. */
  list(): ExecutionRecord[] {
    return [...this.records.values()].reverse();
  }

  add(record: ExecutionRecord): void {
    this.records.set(record.executionArn, record);
    this.trim();
    this.persist();
  }

  update(executionArn: string, changes: Partial<ExecutionRecord>): void {
    const record = this.records.get(executionArn);
    if (!record) return;
    Object.assign(record, changes);
    this.persist();
  }

  async clear(): Promise<void> {
    this.records.clear();
    await this.flush();
    await rm(this.file, { force: true });
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    if (this.dirty) this.writeNow();
    return this.writing;
  }

  private trim(): void {
    for (const [arn, record] of this.records) {
      if (this.records.size <= this.limit) break;
      if (record.status !== 'RUNNING') this.records.delete(arn);
    }
  }

  /** Marks the history changed; one snapshot after `persistDelayMs` takes every change made until then. */
  private persist(): void {
    this.dirty = true;
    // unref: a pending snapshot never keeps the process alive (stop() flushes it).
    this.timer ??= setTimeout(() => this.writeNow(), this.persistDelayMs).unref();
  }

  /** Writes are chained (never two at once) and atomic (temp file + rename). */
  private writeNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    this.writing = this.writing
      .then(async () => {
        // Taken when this write starts: changes made while an earlier one ran are in it too.
        const snapshot = JSON.stringify([...this.records.values()]);
        this.writes += 1;
        await mkdir(path.dirname(this.file), { recursive: true });
        const temp = `${this.file}.${process.pid}.tmp`;
        await writeFile(temp, snapshot);
        await rename(temp, this.file);
        this.lastWriteError = undefined;
      })
      .catch((error: unknown) => {
        this.lastWriteError = error;
      });
  }
}
