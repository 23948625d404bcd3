/**
 * The queue's durable log: an append-only file of JSON lines, group-committed (every record
 * appended while one write+fdatasync runs goes out in the next one), and compacted by rewriting
 * the live state to a new file that replaces the old one atomically.
 *
 * Why a journal and not one file per message: a send then costs one appended line shared in a
 * group fsync, instead of a create + fsync + directory fsync per message and an unlink per delete.
 */
import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface JournalOptions {
  file: string;
  /** The live state as records, taken synchronously (no append is pending when it is called). */
  snapshot: () => unknown[];
  /** Rewrite once this many lines were appended since the last rewrite and … */
  compactAfterLines?: number;
  /** … they outnumber the snapshot's records this many times. */
  compactRatio?: number;
  log?: (line: string) => void;
}

export class Journal {
  private handle: FileHandle | undefined;
  private pending: Pending[] = [];
  private flushing = false;
  private size = 0;
  private linesSinceRewrite = 0;
  private liveRecords = 0;
  private rewriteWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private closed = false;

  constructor(private readonly options: JournalOptions) {}

  /** Reads every whole record (a torn last line, never acknowledged, is dropped). */
  async load(): Promise<unknown[]> {
    await mkdir(path.dirname(this.options.file), { recursive: true });
    const text = await readFile(this.options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const records: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        this.options.log?.(`[sqs] journal: dropped a torn record (${line.length} bytes)`);
      }
    }
    return records;
  }

  /** Opens the journal by writing the current snapshot as a fresh file. */
  async open(): Promise<void> {
    this.closed = false;
    await this.rewrite();
  }

  /** Resolves once the records are on disk (write + fdatasync). */
  append(records: readonly unknown[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the SQS journal is closed'));
    if (records.length === 0) return Promise.resolve();
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    return new Promise((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      this.linesSinceRewrite += records.length;
      this.kick();
    });
  }

  /** Rewrites the file from the snapshot once everything appended so far is on disk. */
  compact(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.rewriteWaiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Drops the file handle without flushing (a simulated crash, for tests): pending appends fail. */
  abandon(): void {
    this.closed = true;
    const lost = new Error('the SQS journal was abandoned');
    for (const entry of this.pending.splice(0)) entry.reject(lost);
    for (const waiter of this.rewriteWaiters.splice(0)) waiter.reject(lost);
    const handle = this.handle;
    this.handle = undefined;
    void handle?.close().catch(() => {});
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushLoop().finally(() => {
        this.flushing = false;
        if (this.pending.length > 0 || this.rewriteWaiters.length > 0) this.kick();
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0 || this.rewriteWaiters.length > 0) {
      if (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          await this.write(batch.map((entry) => entry.text).join(''));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
        continue;
      }
      const waiters = this.rewriteWaiters.splice(0);
      try {
        await this.rewrite();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    if (this.dueForRewrite()) await this.rewrite().catch((error: unknown) => this.logError(error));
  }

  private dueForRewrite(): boolean {
    const { compactAfterLines = 10_000, compactRatio = 4 } = this.options;
    return (
      !this.closed &&
      this.linesSinceRewrite >= compactAfterLines &&
      this.linesSinceRewrite >= compactRatio * this.liveRecords
    );
  }

  private async write(text: string): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new Error('the SQS journal is closed');
    const bytes = Buffer.from(text, 'utf8');
    try {
      await handle.write(bytes, 0, bytes.length, this.size);
      await handle.datasync();
      this.size += bytes.length;
    } catch (error) {
      // A partial line must not glue onto the next record.
      await handle.truncate(this.size).catch(() => {});
      throw error;
    }
  }

  /** Snapshot → temp file → fdatasync → rename over the journal → fsync the folder. */
  private async rewrite(): Promise<void> {
    const records = this.options.snapshot();
    const appendedBefore = this.linesSinceRewrite;
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    const temp = `${this.options.file}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.options.file);
    const folder = await open(path.dirname(this.options.file), 'r');
    await folder.sync().finally(() => folder.close());
    const previous = this.handle;
    this.handle = await open(this.options.file, 'r+');
    this.size = Buffer.byteLength(text, 'utf8');
    await previous?.close();
    this.liveRecords = records.length;
    // Lines appended while the rewrite ran are still in the (new) file.
    this.linesSinceRewrite -= appendedBefore;
  }

  private logError(error: unknown): void {
    this.options.log?.(
      `[sqs] journal rewrite failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
