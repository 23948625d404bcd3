/**
 * DynamoDB Local never expires items. Instead of scanning the table for `expiresAtEpoch`, the
 * provider watches every write that passes through it (the edge's proxy and its own client) and
 * keeps an expiry index: a min-heap of (expiresAtEpoch, owner, id) in memory, backed by an
 * append-only log on disk so it survives restarts. Due entries are deleted with a condition that the
 * item still carries that expiry, as DynamoDB's TTL would delete it; entries whose item has moved
 * on (the pipeline REMOVEs the attribute) simply fail the condition and are forgotten.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { imagesTable } from '../../../contracts/images-table.ts';

/** The Images table's TTL attribute, as its spec names it for the CDK table. */
export const ttlAttribute = imagesTable.timeToLiveAttribute;
const table = imagesTable.tableName;
const ownerKey = imagesTable.partitionKey.name;
const idKey = imagesTable.sortKey.name;

export interface ExpiryEntry {
  expiresAt: number;
  owner: string;
  id: string;
}

type Item = Record<string, AttributeValue>;

interface WriteRequest {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

function entryOf(key: Item | undefined, expiresAt: AttributeValue | undefined): ExpiryEntry | undefined {
  const owner = key?.[ownerKey]?.S;
  const id = key?.[idKey]?.S;
  const epoch = Number(expiresAt?.N);
  if (owner === undefined || id === undefined || !Number.isFinite(epoch)) return undefined;
  return { expiresAt: epoch, owner, id };
}

/** The expiry an UpdateItem's `SET expiresAtEpoch = :value` (or `#name = :value`) gives its item. */
function updatedExpiry(request: WriteRequest): AttributeValue | undefined {
  const setClause = /\bSET\b([\s\S]*?)(?=\b(?:REMOVE|ADD|DELETE)\b|$)/i.exec(
    request.UpdateExpression ?? '',
  )?.[1];
  if (!setClause) return undefined;
  for (const assignment of setClause.split(',')) {
    const match = /^\s*(#?[\w]+)\s*=\s*(:[\w]+)\s*$/.exec(assignment);
    if (!match?.[1] || !match[2]) continue;
    const attribute = match[1].startsWith('#') ? request.ExpressionAttributeNames?.[match[1]] : match[1];
    if (attribute === ttlAttribute) return request.ExpressionAttributeValues?.[match[2]];
  }
  return undefined;
}

function fromWrite(kind: 'Put' | 'Update', request: WriteRequest | undefined): ExpiryEntry[] {
  if (!request || request.TableName !== table) return [];
  const entry =
    kind === 'Put'
      ? entryOf(request.Item, request.Item?.[ttlAttribute])
      : entryOf(request.Key, updatedExpiry(request));
  return entry ? [entry] : [];
}

/**
 * The expiries a DynamoDB JSON request sets (`target` is the operation, as in X-Amz-Target after
 * the dot): PutItem, UpdateItem, BatchWriteItem puts and TransactWriteItems puts and updates.
 */
export function expiriesInRequest(operation: string, body: string): ExpiryEntry[] {
  if (!body.includes(ttlAttribute)) return [];
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return [];
  }
  switch (operation) {
    case 'PutItem':
      return fromWrite('Put', request as WriteRequest);
    case 'UpdateItem':
      return fromWrite('Update', request as WriteRequest);
    case 'BatchWriteItem': {
      const tables = (request.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: Item } }[]>;
      return Object.entries(tables).flatMap(([TableName, writes]) =>
        writes.flatMap((write) => fromWrite('Put', { TableName, Item: write.PutRequest?.Item })),
      );
    }
    case 'TransactWriteItems': {
      const items = (request.TransactItems ?? []) as { Put?: WriteRequest; Update?: WriteRequest }[];
      return items.flatMap((item) => [...fromWrite('Put', item.Put), ...fromWrite('Update', item.Update)]);
    }
    default:
      return [];
  }
}

/** A binary min-heap on `expiresAt`. */
class ExpiryHeap {
  private readonly items: ExpiryEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  entries(): readonly ExpiryEntry[] {
    return this.items;
  }

  push(entry: ExpiryEntry): void {
    const items = this.items;
    items.push(entry);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((items[parent] as ExpiryEntry).expiresAt <= entry.expiresAt) break;
      items[index] = items[parent] as ExpiryEntry;
      index = parent;
    }
    items[index] = entry;
  }

  peek(): ExpiryEntry | undefined {
    return this.items[0];
  }

  pop(): ExpiryEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length &&
        (items[right] as ExpiryEntry).expiresAt < (items[left] as ExpiryEntry).expiresAt
          ? right
          : left;
      if ((items[child] as ExpiryEntry).expiresAt >= last.expiresAt) break;
      items[index] = items[child] as ExpiryEntry;
      index = child;
    }
    items[index] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

const line = (entry: ExpiryEntry) => `${JSON.stringify([entry.expiresAt, entry.owner, entry.id])}\n`;

export class TtlIndex {
  private readonly heap = new ExpiryHeap();
  /** Lines in the log that are no longer in the heap (compaction rewrites the log past a bound). */
  private stale = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  get size(): number {
    return this.heap.size;
  }

  /**
   * Reads the log (false when there is none: a data folder from before the index, see migrate)
   * and rewrites it with only the live entries.
   */
  async load(): Promise<boolean> {
    this.heap.clear();
    await mkdir(path.dirname(this.file), { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return false;
    }
    for (const row of text.split('\n')) {
      if (!row) continue;
      try {
        const [expiresAt, owner, id] = JSON.parse(row) as [number, string, string];
        this.heap.push({ expiresAt, owner, id });
      } catch {
        // A line torn by a kill: its write was not acknowledged either.
      }
    }
    await this.compact();
    return true;
  }

  /** Records expiries before their write is forwarded, so an acknowledged write is always indexed. */
  record(entries: readonly ExpiryEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    for (const entry of entries) this.heap.push(entry);
    const text = entries.map(line).join('');
    this.writing = this.writing.then(() => appendFile(this.file, text));
    return this.writing;
  }

  /** Removes and returns every entry due at `nowEpochSeconds` (TTL: expiresAt before now). */
  takeDue(nowEpochSeconds: number): ExpiryEntry[] {
    const due: ExpiryEntry[] = [];
    for (let next = this.heap.peek(); next && next.expiresAt < nowEpochSeconds; next = this.heap.peek()) {
      due.push(this.heap.pop() as ExpiryEntry);
    }
    this.stale += due.length;
    return due;
  }

  /** Puts entries back (their delete failed for a reason other than the item having moved on). */
  restore(entries: readonly ExpiryEntry[]): void {
    for (const entry of entries) this.heap.push(entry);
    this.stale -= entries.length;
  }

  /** Rewrites the log with the live entries when it holds more dead lines than live ones. */
  async compactIfWorthIt(): Promise<void> {
    if (this.stale > Math.max(1000, this.heap.size)) await this.compact();
  }

  private async compact(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const temporary = `${this.file}.tmp`;
      await writeFile(temporary, this.heap.entries().map(line).join(''));
      await rename(temporary, this.file);
      this.stale = 0;
    });
    await this.writing;
  }

  async clear(): Promise<void> {
    this.heap.clear();
    await this.compact();
  }

  /**
   * Once per data folder made before the index existed: reads the items that carry a TTL (the only
   * Scan, never repeated: the log exists from then on).
   */
  async migrate(client: DynamoDBClient): Promise<number> {
    const found: ExpiryEntry[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: table,
        FilterExpression: 'attribute_exists(#ttl)',
        ProjectionExpression: '#o, #i, #ttl',
        ExpressionAttributeNames: { '#o': ownerKey, '#i': idKey, '#ttl': ttlAttribute },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const entry = entryOf(item, item[ttlAttribute]);
        if (entry) found.push(entry);
      }
    }
    await this.record(found);
    if (found.length === 0) await this.compact(); // creates the (empty) log
    return found.length;
  }
}

/**
 * Deletes the items whose expiry is due, each only if it still carries that expiry (what DynamoDB's
 * TTL would delete); returns how many were deleted.
 */
export async function expireDue(
  client: DynamoDBClient,
  index: TtlIndex,
  nowEpochSeconds: number,
): Promise<number> {
  const due = index.takeDue(nowEpochSeconds);
  let deleted = 0;
  const failed: ExpiryEntry[] = [];
  for (const entry of due) {
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { [ownerKey]: { S: entry.owner }, [idKey]: { S: entry.id } },
          ConditionExpression: '#ttl = :expiresAt',
          ExpressionAttributeNames: { '#ttl': ttlAttribute },
          ExpressionAttributeValues: { ':expiresAt': { N: String(entry.expiresAt) } },
        }),
      );
      deleted += 1;
    } catch (error) {
      // Gone, or given another expiry (indexed on its own) or none: nothing to expire.
      if (!(error instanceof ConditionalCheckFailedException)) failed.push(entry);
    }
  }
  index.restore(failed);
  await index.compactIfWorthIt();
  return deleted;
}
