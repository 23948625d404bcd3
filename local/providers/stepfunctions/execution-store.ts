/**
 * The local Step Functions' execution history: kept in memory and persisted, so
 * `GET /_darkroom/executions` and DescribeExecution survive a restart.
 *
 * The file is a journal: one JSON line per record as it changed (the newest line of an execution
 * wins), rewritten whole only once the lines appended since the last rewrite outnumber twice the
 * history. It was one JSON snapshot of the whole history (up to `limit` executions, megabytes),
 * rewritten at every change and then at most once per `persistDelayMs`: a cost that grew with the
 * history, not with the work (bench:pipeline's steady 1,000/min stringified ≈ 440 K characters per
 * image on the main thread, 42 K in its first burst; docs/pipeline-cpu.md). Changes are still
 * coalesced per `persistDelayMs`; `flush()` writes at once. A torn last line (kill -9 mid-append)
 * is skipped when the journal is read. A file in the old format (one JSON array) still loads.
 */
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  /** Executions changed since the last write started (their lines go out in the next one). */
  private readonly changed = new Set<string>();
  /** Lines appended since the file was last rewritten whole. */
  private appended = 0;
  /** The next write rewrites the file whole (old format, a failed write, forgotten executions). */
  private rewrite = true;
  /** The pending snapshot's timer (one at a time). */
  private timer: NodeJS.Timeout | undefined;
  /** Writes (appends and rewrites) so far (tests: coalescing is observable). */
  writes = 0;
  /** Whole rewrites so far. */
  rewrites = 0;
  /** The last failed write, if any (the next change retries with a whole rewrite). */
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
    this.changed.clear();
    let saved: ExecutionRecord[] = [];
    try {
      saved = parseHistory(await readFile(this.file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let aborted = 0;
    for (const record of saved) this.records.set(record.executionArn, record);
    for (const record of this.records.values()) {
      if (record.status === 'RUNNING') {
        Object.assign(record, { status: 'ABORTED', stopDate: now.toISOString(), error: 'States.Aborted' });
        aborted += 1;
      }
    }
    this.trim();
    // The next write starts a fresh journal: what this process knows, once.
    this.rewrite = true;
    this.appended = 0;
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
    this.changed.add(record.executionArn);
    this.trim();
    this.persist();
  }

  update(executionArn: string, changes: Partial<ExecutionRecord>): void {
    const record = this.records.get(executionArn);
    if (!record) return;
    Object.assign(record, changes);
    this.changed.add(executionArn);
    this.persist();
  }

  async clear(): Promise<void> {
    this.records.clear();
    this.changed.clear();
    await this.flush();
    await this.writing;
    await rm(this.file, { force: true });
    this.rewrite = true;
    this.appended = 0;
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    if (this.changed.size > 0 || this.timer) this.writeNow();
    return this.writing;
  }

  private trim(): void {
    for (const [arn, record] of this.records) {
      if (this.records.size <= this.limit) break;
      if (record.status !== 'RUNNING') {
        this.records.delete(arn);
        this.changed.delete(arn);
      }
    }
  }

  /** Marks the history changed; one write after `persistDelayMs` takes every change made until then. */
  private persist(): void {
    // unref: a pending snapshot never keeps the process alive (stop() flushes it).
    this.timer ??= setTimeout(() => this.writeNow(), this.persistDelayMs).unref();
  }

  /**
   * Writes are chained (never two at once). An append adds the changed executions' lines; a
   * rewrite (temp file + rename, atomic) replaces the journal with one line per execution.
   */
  private writeNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing
      .then(async () => {
        // Taken when this write starts: changes made while an earlier one ran are in it too.
        const changed = [...this.changed].flatMap((arn) => this.records.get(arn) ?? []);
        this.changed.clear();
        const whole = this.rewrite || this.appended + changed.length > 2 * this.limit;
        this.rewrite = false;
        this.writes += 1;
        try {
          await mkdir(path.dirname(this.file), { recursive: true });
          if (whole) {
            const temp = `${this.file}.${process.pid}.tmp`;
            await writeFile(temp, journalLines([...this.records.values()]));
            await rename(temp, this.file);
            this.appended = 0;
            this.rewrites += 1;
          } else if (changed.length > 0) {
            await appendFile(this.file, journalLines(changed));
            this.appended += changed.length;
          }
          this.lastWriteError = undefined;
        } catch (error) {
          // What this write held may be missing from the file: the next one rewrites it whole.
          this.rewrite = true;
          throw error;
        }
      })
      .catch((error: unknown) => {
        this.lastWriteError = error;
      });
  }
}

function journalLines(records: readonly ExecutionRecord[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}

/** The journal's records in file order (a later line of an execution replaces an earlier one). */
function parseHistory(text: string): ExecutionRecord[] {
  // The format before the journal: one JSON array, rewritten whole.
  if (text.trimStart().startsWith('[')) return JSON.parse(text) as ExecutionRecord[];
  const records: ExecutionRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    try {
      records.push(JSON.parse(line) as ExecutionRecord);
    } catch {
      // A line cut short by a crash mid-append: the execution's earlier line (if any) stands.
    }
  }
  return records;
}
