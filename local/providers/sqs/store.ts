/**
 * The queues and their messages in memory, every change journaled (journal.ts) before the caller
 * answers. Visibility timeouts live in memory only: after a restart every message is visible
 * (the consumers that held them died with the process).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Journal } from './journal.ts';
import { type MessageAttributeValue, md5OfBody, md5OfMessageAttributes } from './md5.ts';
import { integerAttribute, parseRedrivePolicy } from './queue-attributes.ts';

export interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  md5Body: string;
  md5Attributes?: string;
  /** Epoch ms; kept when the message moves to a dead-letter queue (retention counts from it). */
  sentAt: number;
  /** Epoch ms before which the message is delayed. */
  delayUntil: number;
  senderId: string;
  receiveCount: number;
  firstReceiveAt?: number;
  deadLetterSourceArn?: string;
  traceHeader?: string;
}

export interface Message extends StoredMessage {
  /** Epoch ms before which a received message stays invisible (0 = never received). */
  visibleAt: number;
  /** The handle of the latest receive; older handles no longer change or delete the message. */
  receipt?: string;
  /** When the latest receive happened (ChangeMessageVisibility's 12-hour limit counts from it). */
  receivedAt?: number;
}

export interface QueueDefinition {
  name: string;
  attributes: Record<string, string>;
  /** Epoch seconds. */
  created: number;
  modified: number;
}

export interface Queue extends QueueDefinition {
  arn: string;
  messages: Map<string, Message>;
  /** Long-polling receives waiting for this queue to change. */
  waiters: Set<() => void>;
  lastPurge?: number;
}

type JournalRecord =
  | { t: 'queue'; queue: QueueDefinition }
  | { t: 'drop'; name: string }
  | { t: 'purge'; name: string }
  | { t: 'send'; q: string; m: StoredMessage }
  | { t: 'recv'; q: string; id: string; n: number; first: number }
  | { t: 'del'; q: string; id: string }
  | { t: 'move'; from: string; to: string; m: StoredMessage };

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface NewMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
  senderId: string;
  /** The AWSTraceHeader message system attribute. */
  traceHeader?: string;
}

function stored(message: Message): StoredMessage {
  const { visibleAt: _v, receipt: _r, receivedAt: _a, ...rest } = message;
  return rest;
}

export class QueueStore {
  readonly queues = new Map<string, Queue>();
  private readonly journal: Journal;

  constructor(
    dataDir: string,
    private readonly arnOf: (name: string) => string,
    log?: (line: string) => void,
  ) {
    this.journal = new Journal({
      file: path.join(dataDir, 'sqs', 'journal.jsonl'),
      snapshot: () => this.snapshot(),
      ...(log ? { log } : {}),
    });
  }

  /** Replays the journal, makes in-flight messages visible, and rewrites it compactly. */
  async open(): Promise<void> {
    this.queues.clear();
    for (const record of (await this.journal.load()) as JournalRecord[]) this.apply(record);
    await this.journal.open();
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** Drops the journal without flushing: what a kill -9 leaves (tests). */
  abandon(): void {
    this.journal.abandon();
  }

  /** Forgets every message, and every queue but the `keep` ones (whose definitions stay). */
  async clear(keep: ReadonlySet<string>): Promise<void> {
    for (const queue of [...this.queues.values()]) {
      queue.messages.clear();
      if (!keep.has(queue.name)) this.queues.delete(queue.name);
      this.wake(queue);
    }
    await this.journal.compact();
  }

  queueByArn(arn: string): Queue | undefined {
    const name = arn.split(':')[5];
    const queue = name === undefined ? undefined : this.queues.get(name);
    return queue?.arn === arn ? queue : undefined;
  }

  /** Creates or replaces a queue's definition. */
  async putQueue(definition: QueueDefinition): Promise<Queue> {
    const queue = this.applyQueue(definition);
    await this.journal.append([{ t: 'queue', queue: definition }]);
    return queue;
  }

  async dropQueue(queue: Queue): Promise<void> {
    this.queues.delete(queue.name);
    this.wake(queue);
    await this.journal.append([{ t: 'drop', name: queue.name }]);
  }

  async purge(queue: Queue): Promise<void> {
    queue.messages.clear();
    await this.journal.append([{ t: 'purge', name: queue.name }]);
  }

  /** Adds messages; resolves once they are durable. */
  async send(queue: Queue, inputs: readonly NewMessage[], now = Date.now()): Promise<Message[]> {
    const defaultDelay = integerAttribute(queue.attributes, 'DelaySeconds');
    const messages = inputs.map((input): Message => {
      const md5Attributes = md5OfMessageAttributes(input.attributes);
      return {
        id: randomUUID(),
        body: input.body,
        attributes: input.attributes,
        md5Body: md5OfBody(input.body),
        ...(md5Attributes ? { md5Attributes } : {}),
        sentAt: now,
        delayUntil: now + (input.delaySeconds ?? defaultDelay) * 1000,
        senderId: input.senderId,
        ...(input.traceHeader ? { traceHeader: input.traceHeader } : {}),
        receiveCount: 0,
        visibleAt: 0,
      };
    });
    for (const message of messages) queue.messages.set(message.id, message);
    this.wake(queue);
    try {
      await this.journal.append(messages.map((m) => ({ t: 'send', q: queue.name, m: stored(m) })));
    } catch (error) {
      // Not durable, not acknowledged: the sender will retry, so this copy must not be delivered.
      for (const message of messages) queue.messages.delete(message.id);
      throw error;
    }
    return messages;
  }

  /**
   * Takes up to `max` visible messages, oldest first, making each invisible for `visibilityMs`.
   * A message already received maxReceiveCount times moves to the dead-letter queue instead.
   */
  async receive(queue: Queue, max: number, visibilityMs: number, now = Date.now()): Promise<Message[]> {
    this.expire(queue, now);
    const redrive = queue.attributes.RedrivePolicy
      ? parseRedrivePolicy(queue.attributes.RedrivePolicy)
      : undefined;
    const deadLetterQueue = redrive ? this.queueByArn(redrive.deadLetterTargetArn) : undefined;
    const records: JournalRecord[] = [];
    const taken: Message[] = [];
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.delayUntil > now || message.visibleAt > now) continue;
      if (redrive && deadLetterQueue && message.receiveCount >= redrive.maxReceiveCount) {
        records.push(this.moveMessage(queue, deadLetterQueue, message, { deadLetterSourceArn: queue.arn }));
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.visibleAt = now + visibilityMs;
      message.receivedAt = now;
      message.receipt = encodeReceipt(queue.name, message.id);
      records.push({
        t: 'recv',
        q: queue.name,
        id: message.id,
        n: message.receiveCount,
        first: message.firstReceiveAt,
      });
      taken.push(message);
    }
    await this.journal.append(records);
    return taken;
  }

  async delete(queue: Queue, ids: readonly string[]): Promise<void> {
    const records: JournalRecord[] = [];
    for (const id of ids) {
      if (queue.messages.delete(id)) records.push({ t: 'del', q: queue.name, id });
    }
    await this.journal.append(records);
  }

  /** Makes a received message visible again at `visibleAt` (not journaled: visibility is memory only). */
  setVisibility(queue: Queue, message: Message, visibleAt: number): void {
    message.visibleAt = visibleAt;
    // Always: a long poll already waiting sleeps until the next visibility it computed, which a
    // shortened timeout (dispatch's backoff) moves earlier.
    this.wake(queue);
  }

  /** Moves a message as a redrive does: `changes` say what the destination sees. */
  async move(from: Queue, to: Queue, message: Message, changes: Partial<StoredMessage>): Promise<void> {
    await this.journal.append([this.moveMessage(from, to, message, changes)]);
  }

  counts(queue: Queue, now = Date.now()): QueueCounts {
    this.expire(queue, now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of queue.messages.values()) {
      if (message.delayUntil > now) counts.delayed += 1;
      else if (message.visibleAt > now) counts.inFlight += 1;
      else counts.visible += 1;
    }
    return counts;
  }

  /** When the next delayed or invisible message becomes visible (undefined: none will). */
  nextVisibleAt(queue: Queue, now = Date.now()): number | undefined {
    let next: number | undefined;
    for (const message of queue.messages.values()) {
      const at = Math.max(message.delayUntil, message.visibleAt);
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Tells long-polling receives on the queue to look again. */
  wake(queue: Queue): void {
    for (const waiter of [...queue.waiters]) waiter();
  }

  private moveMessage(
    from: Queue,
    to: Queue,
    message: Message,
    changes: Partial<StoredMessage>,
  ): JournalRecord {
    from.messages.delete(message.id);
    const moved: Message = { ...stored(message), ...changes, visibleAt: 0 };
    to.messages.set(moved.id, moved);
    this.wake(to);
    return { t: 'move', from: from.name, to: to.name, m: stored(moved) };
  }

  /** Drops messages past the queue's retention period (journal replay drops them again). */
  private expire(queue: Queue, now: number): void {
    const retentionMs = integerAttribute(queue.attributes, 'MessageRetentionPeriod') * 1000;
    for (const message of queue.messages.values()) {
      if (message.sentAt + retentionMs <= now) queue.messages.delete(message.id);
    }
  }

  private applyQueue(definition: QueueDefinition): Queue {
    const existing = this.queues.get(definition.name);
    if (existing) {
      Object.assign(existing, definition);
      return existing;
    }
    const queue: Queue = {
      ...definition,
      arn: this.arnOf(definition.name),
      messages: new Map(),
      waiters: new Set(),
    };
    this.queues.set(definition.name, queue);
    return queue;
  }

  private apply(record: JournalRecord): void {
    switch (record.t) {
      case 'queue':
        this.applyQueue(record.queue);
        return;
      case 'drop':
        this.queues.delete(record.name);
        return;
      case 'purge':
        this.queues.get(record.name)?.messages.clear();
        return;
      case 'send':
        this.queues.get(record.q)?.messages.set(record.m.id, { ...record.m, visibleAt: 0 });
        return;
      case 'recv': {
        const message = this.queues.get(record.q)?.messages.get(record.id);
        if (message) {
          message.receiveCount = record.n;
          message.firstReceiveAt = record.first;
        }
        return;
      }
      case 'del':
        this.queues.get(record.q)?.messages.delete(record.id);
        return;
      case 'move':
        this.queues.get(record.from)?.messages.delete(record.m.id);
        this.queues.get(record.to)?.messages.set(record.m.id, { ...record.m, visibleAt: 0 });
        return;
    }
  }

  private snapshot(): JournalRecord[] {
    const records: JournalRecord[] = [];
    const now = Date.now();
    for (const queue of this.queues.values()) {
      const { name, attributes, created, modified } = queue;
      records.push({ t: 'queue', queue: { name, attributes, created, modified } });
    }
    for (const queue of this.queues.values()) {
      this.expire(queue, now);
      for (const message of queue.messages.values())
        records.push({ t: 'send', q: queue.name, m: stored(message) });
    }
    return records;
  }
}

/** An opaque handle naming the queue, the message and this one receive. */
export function encodeReceipt(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName}\n${messageId}\n${randomBytes(24).toString('base64')}`, 'utf8').toString(
    'base64',
  );
}

export function decodeReceipt(handle: string): { queueName: string; messageId: string } | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(handle)) return undefined;
  const parts = Buffer.from(handle, 'base64').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) return undefined;
  return { queueName: parts[0], messageId: parts[1] };
}
