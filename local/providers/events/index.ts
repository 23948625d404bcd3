/**
 * Local EventBridge: one bus with one rule — contracts/upload-rule.ts's pattern for the local bucket —
 * whose target is the upload queue (contracts/flow.ts). S3 calls `putEvent`; PutEvents is answered
 * for SDK callers.
 *
 * LIMITATIONS
 * - The default bus and the upload rule only: no other rules, buses, archives, replays or input
 *   transformers; the target receives the whole event (as the SQS message body).
 * - A target that fails to start is retried with a short exponential backoff (`targetRetries`
 *   times, not EventBridge's 24 h / 185 attempts), then logged on the entry (`error`); there is no
 *   rule DLQ: the local S3 fails the upload instead, so its client retries.
 * - Injected faults (`events`, operation `Deliver`, `match` = detail-type or object key) drop,
 *   duplicate, delay or fail a delivery to the target; operation `PutEvents` fails the API call.
 * - The matcher covers exact values, prefix, suffix, equals-ignore-case, anything-but, exists and
 *   numeric (no `$or`, wildcard or cidr); signatures are not verified.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { names } from '../../../contracts/names.ts';
import { type EventPattern, matchesPattern, uploadCreatedPattern } from '../../../contracts/upload-rule.ts';
import { applyLatency } from '../../faults.ts';
import { readJsonObject } from '../../json-body.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';

/** The rule's target: SendMessage to the upload queue; resolves once the message is durable. */
export type RuleTarget = (event: object) => { messageId: string } | Promise<{ messageId: string }>;

export interface EventsProviderOptions extends ProviderContext {
  /** The rule's target (the upload queue). */
  target: RuleTarget;
  /** The bucket whose uploads start the pipeline (default `names.localBucket`). */
  bucketName?: string;
  /** Log entries kept (oldest dropped first). */
  logSize?: number;
  /** Further attempts to start the target after a failure (default 6, backoff from 50 ms). */
  targetRetries?: number;
}

export interface EventLogEntry {
  time: string;
  id: string;
  source: string;
  detailType: string;
  matched: boolean;
  /** The SQS message the target made of it. */
  messageId?: string;
  /** Why a matched event was not delivered. */
  error?: string;
  /** An injected fault dropped or duplicated the delivery. */
  fault?: 'dropped' | 'duplicated';
  /** Failed attempts to start the target (before it started, or gave up). */
  retries?: number;
}

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | number;
}

/** PutEvents takes 1–10 entries; field types are checked here, required fields per entry. */
const putEventsRequest = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        Time: z.union([z.string(), z.number()]).optional(),
      }),
    )
    .min(1)
    .max(10),
});

export class EventsProvider implements Provider {
  readonly name = 'events';
  readonly rule: { name: string; pattern: EventPattern };
  private readonly entries: EventLogEntry[] = [];
  private started = false;

  constructor(private readonly options: EventsProviderOptions) {
    this.rule = { name: names.rule, pattern: uploadCreatedPattern(options.bucketName ?? names.localBucket) };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
  }

  async reset(): Promise<void> {
    this.entries.length = 0;
  }

  health(): ProviderHealth {
    const matched = this.entries.filter((e) => e.matched).length;
    return {
      ready: this.started,
      detail: `${matched} of ${this.entries.length} recent events matched ${this.rule.name}`,
    };
  }

  /** Recent events, oldest first, with whether the rule matched and the execution it started. */
  log(): EventLogEntry[] {
    return [...this.entries];
  }

  /** Delivers one event: when the rule matches, the state machine starts with the event as input. */
  async putEvent(event: object): Promise<EventLogEntry> {
    const fields = event as Record<string, unknown>;
    const entry: EventLogEntry = {
      time: new Date().toISOString(),
      id: String(fields.id ?? ''),
      source: String(fields.source ?? ''),
      detailType: String(fields['detail-type'] ?? ''),
      matched: matchesPattern(this.rule.pattern, event),
    };
    if (entry.matched) await this.deliver(event, entry);
    this.entries.push(entry);
    const excess = this.entries.length - (this.options.logSize ?? 500);
    if (excess > 0) this.entries.splice(0, excess);
    return entry;
  }

  /** Starts the target, through any injected fault, retrying failures as EventBridge does. */
  private async deliver(event: object, entry: EventLogEntry): Promise<void> {
    const fault = this.options.faults.find('events', 'Deliver', deliverySubjects(event));
    await applyLatency(fault);
    if (fault?.action === 'drop') {
      entry.fault = 'dropped';
      return;
    }
    await this.startTarget(event, entry, fault?.error);
    if (fault?.action === 'duplicate') {
      // EventBridge delivers at least once: the same event (same id) again.
      entry.fault = 'duplicated';
      const again: EventLogEntry = { ...entry, time: this.options.clock().toISOString() };
      delete again.messageId;
      await this.startTarget(event, again);
      this.entries.push(again);
    }
  }

  private async startTarget(event: object, entry: EventLogEntry, injectedError?: string): Promise<void> {
    const attempts = 1 + (this.options.targetRetries ?? 6);
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1)));
      try {
        if (injectedError && attempt === 0)
          throw new AwsError(injectedError, 'Injected fault on the delivery to the target', 500);
        entry.messageId = (await this.options.target(event)).messageId;
        delete entry.error;
        return;
      } catch (error) {
        entry.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        entry.retries = attempt + 1;
      }
    }
  }

  /** Turns a PutEvents entry into the event EventBridge would deliver. */
  eventFrom(entry: PutEventsRequestEntry): Record<string, unknown> {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      throw new AwsError('ValidationException', 'Source, DetailType and Detail are required');
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    }
    // EventBridge's Detail is "a valid JSON object": an array or a bare value is malformed too.
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    }
    const time =
      entry.Time === undefined
        ? new Date()
        : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.config.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.config.region,
      resources: entry.Resources ?? [],
      detail,
    };
  }

  /** EventBridge's JSON API: `X-Amz-Target: AWSEvents.PutEvents`. */
  async handle({ req, res, body }: EdgeRequest): Promise<void> {
    const send = (status: number, payload: unknown) =>
      sendJson(res, status, payload, { 'content-type': 'application/x-amz-json-1.1' });
    const target = String(req.headers['x-amz-target'] ?? '');
    const fault = this.options.faults.find('events', target.replace(/^AWSEvents\./, ''));
    await applyLatency(fault);
    if (fault?.error) {
      sendJson(
        res,
        fault.status ?? 400,
        { __type: fault.error, message: fault.message ?? `Injected fault: ${fault.error}` },
        { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': fault.error },
      );
      return;
    }
    if (target !== 'AWSEvents.PutEvents') {
      send(400, {
        __type: 'UnknownOperationException',
        message: `Unsupported EventBridge operation: ${target}`,
      });
      return;
    }
    const read = readJsonObject(body);
    if (!read.ok) {
      send(400, { __type: read.code, message: read.message });
      return;
    }
    const request = putEventsRequest.safeParse(read.value);
    if (!request.success) {
      const issue = request.error.issues[0];
      send(400, {
        __type: 'ValidationException',
        message: `${issue?.path.join('.') || 'Entries'}: ${issue?.message ?? 'invalid'}`,
      });
      return;
    }
    const total = request.data.Entries.reduce((sum, entry) => sum + entrySize(entry), 0);
    if (total > maxPutEventsBytes) {
      send(400, {
        __type: 'ValidationException',
        message: `Total size of the entries in the request is over the limit (${total} > ${maxPutEventsBytes} bytes).`,
      });
      return;
    }
    const results = [];
    for (const entry of request.data.Entries) {
      try {
        // Only AWS services put events with an aws.* source: a caller could otherwise forge S3's
        // Object Created events and start the pipeline on any key.
        if (entry.Source?.startsWith('aws.'))
          throw new AwsError('NotAuthorizedForSourceException', 'Not authorized for the source.');
        const event = this.eventFrom(entry);
        await this.putEvent(event);
        results.push({ EventId: String(event.id) });
      } catch (error) {
        const aws = error instanceof AwsError ? error : new AwsError('InternalException', String(error), 500);
        results.push({ ErrorCode: aws.code, ErrorMessage: aws.message });
      }
    }
    send(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
  }
}

/** PutEvents' limit on the total size of its entries (256 KiB). */
const maxPutEventsBytes = 256 * 1024;

/** An entry's size as EventBridge counts it: its text fields in UTF-8, 14 bytes for a Time. */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** What a `Deliver` fault's `match` may name: the detail-type, and an S3 event's bucket key. */
function deliverySubjects(event: object): string[] {
  const fields = event as { 'detail-type'?: unknown; detail?: { object?: { key?: unknown } } };
  const subjects = [String(fields['detail-type'] ?? '')];
  const key = fields.detail?.object?.key;
  if (typeof key === 'string') subjects.push(key);
  return subjects;
}
