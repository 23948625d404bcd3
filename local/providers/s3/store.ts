/**
 * Buckets and object versions, on disk under one folder so a restart loses nothing:
 * `<root>/<bucket>/bucket.json`, `keys/<sha256 of key>.json` (the key's versions, newest first)
 * and `blobs/<blob id>` (the bytes). The whole index is held in memory and loaded at start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CorsRule } from './cors.ts';

export type VersioningStatus = 'Enabled' | 'Suspended';

export interface BucketConfig {
  name: string;
  createdAt: string;
  versioning?: VersioningStatus;
  cors?: CorsRule[];
}

export interface ObjectVersion {
  /** `null` for objects written while versioning was never enabled, or suspended. */
  versionId: string;
  deleteMarker: boolean;
  lastModified: string;
  size: number;
  /** Quoted, as S3's ETag header. */
  etag: string;
  contentType: string;
  /** Content-Disposition, Cache-Control, … and x-amz-meta-* as sent. */
  headers: Record<string, string>;
  blob?: string;
}

interface KeyRecord {
  key: string;
  versions: ObjectVersion[];
}

interface BucketState {
  config: BucketConfig;
  keys: Map<string, KeyRecord>;
}

export interface NewObject {
  data: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();
  /** Per-file write chains, so an older state never lands after a newer one. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {}

  async load(): Promise<void> {
    this.buckets.clear();
    await mkdir(this.root, { recursive: true });
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(this.root, entry.name);
      const config = await readJson<BucketConfig>(path.join(dir, 'bucket.json'));
      if (!config) continue;
      const keys = new Map<string, KeyRecord>();
      const keyFiles = await readdir(path.join(dir, 'keys')).catch(() => [] as string[]);
      for (const file of keyFiles.filter((name) => name.endsWith('.json'))) {
        const record = await readJson<KeyRecord>(path.join(dir, 'keys', file));
        if (record && record.versions.length > 0) keys.set(record.key, record);
      }
      this.buckets.set(config.name, { config, keys });
    }
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    await Promise.allSettled(this.writes.values());
  }

  async wipe(): Promise<void> {
    await this.flush();
    this.buckets.clear();
    await rm(this.root, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
  }

  bucketNames(): BucketConfig[] {
    return [...this.buckets.values()].map((bucket) => bucket.config);
  }

  bucket(name: string): BucketConfig | undefined {
    return this.buckets.get(name)?.config;
  }

  async putBucket(config: BucketConfig): Promise<void> {
    const existing = this.buckets.get(config.name);
    if (existing) existing.config = config;
    else this.buckets.set(config.name, { config, keys: new Map() });
    await mkdir(path.join(this.root, config.name, 'keys'), { recursive: true });
    await mkdir(path.join(this.root, config.name, 'blobs'), { recursive: true });
    await this.persist(path.join(this.root, config.name, 'bucket.json'), config);
  }

  async deleteBucket(name: string): Promise<void> {
    this.buckets.delete(name);
    await rm(path.join(this.root, name), { recursive: true, force: true });
  }

  isEmpty(bucket: string): boolean {
    return (this.buckets.get(bucket)?.keys.size ?? 0) === 0;
  }

  /** The versions of a key, newest first (empty when there are none). */
  versions(bucket: string, key: string): readonly ObjectVersion[] {
    return this.buckets.get(bucket)?.keys.get(key)?.versions ?? [];
  }

  /**
   * Every key of a bucket with its versions, in key order. (UTF-16 order: the same as S3's UTF-8
   * byte order except for characters beyond U+FFFF against U+E000..U+FFFF.)
   */
  sortedKeys(bucket: string): Array<{ key: string; versions: readonly ObjectVersion[] }> {
    const keys = [...(this.buckets.get(bucket)?.keys.values() ?? [])];
    return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async readBlob(bucket: string, version: ObjectVersion): Promise<Buffer> {
    if (!version.blob) return Buffer.alloc(0);
    return readFile(path.join(this.root, bucket, 'blobs', version.blob));
  }

  /** Stores a new current version (replacing the `null` version unless versioning is enabled). */
  async putObject(bucket: string, key: string, object: NewObject, now: Date): Promise<ObjectVersion> {
    const blob = randomBytes(16).toString('hex');
    await writeFile(path.join(this.root, bucket, 'blobs', blob), object.data);
    const version: ObjectVersion = {
      versionId: this.newVersionId(bucket),
      deleteMarker: false,
      lastModified: now.toISOString(),
      size: object.data.length,
      etag: `"${createHash('md5').update(object.data).digest('hex')}"`,
      contentType: object.contentType,
      headers: object.headers,
      blob,
    };
    await this.addVersion(bucket, key, version);
    return version;
  }

  async putDeleteMarker(bucket: string, key: string, now: Date): Promise<ObjectVersion> {
    const marker: ObjectVersion = {
      versionId: this.newVersionId(bucket),
      deleteMarker: true,
      lastModified: now.toISOString(),
      size: 0,
      etag: '',
      contentType: '',
      headers: {},
    };
    await this.addVersion(bucket, key, marker);
    return marker;
  }

  /** Removes one version for good; returns it, or undefined when there was none. */
  async deleteVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersion | undefined> {
    const state = this.buckets.get(bucket);
    const record = state?.keys.get(key);
    const removed = record?.versions.find((version) => version.versionId === versionId);
    if (!state || !record || !removed) return undefined;
    record.versions = record.versions.filter((version) => version !== removed);
    await this.saveKey(bucket, record);
    if (removed.blob) await rm(path.join(this.root, bucket, 'blobs', removed.blob), { force: true });
    return removed;
  }

  private newVersionId(bucket: string): string {
    return this.buckets.get(bucket)?.config.versioning === 'Enabled'
      ? randomBytes(24).toString('base64url')
      : 'null';
  }

  private async addVersion(bucket: string, key: string, version: ObjectVersion): Promise<void> {
    const state = this.buckets.get(bucket);
    if (!state) throw new Error(`no bucket ${bucket}`);
    const record = state.keys.get(key) ?? { key, versions: [] };
    const replaced =
      version.versionId === 'null' ? record.versions.filter((v) => v.versionId === 'null') : [];
    record.versions = [version, ...record.versions.filter((v) => !replaced.includes(v))];
    state.keys.set(key, record);
    await this.saveKey(bucket, record);
    for (const old of replaced) {
      if (old.blob) await rm(path.join(this.root, bucket, 'blobs', old.blob), { force: true });
    }
  }

  private async saveKey(bucket: string, record: KeyRecord): Promise<void> {
    const file = path.join(
      this.root,
      bucket,
      'keys',
      `${createHash('sha256').update(record.key).digest('hex')}.json`,
    );
    if (record.versions.length === 0) {
      this.buckets.get(bucket)?.keys.delete(record.key);
      await this.chain(file, () => rm(file, { force: true }));
    } else {
      await this.persist(file, record);
    }
  }

  private persist(file: string, value: unknown): Promise<void> {
    // Snapshot now: the record may change again before this write runs.
    const text = JSON.stringify(value);
    return this.chain(file, async () => {
      const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, file);
    });
  }

  private chain(file: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(file) ?? Promise.resolve()).then(write, write);
    this.writes.set(file, next);
    const forget = () => {
      if (this.writes.get(file) === next) this.writes.delete(file);
    };
    next.then(forget, forget);
    return next;
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
