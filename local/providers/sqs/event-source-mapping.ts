/**
 * A local Lambda event source mapping for SQS: long-polls the queue through the real SQS API (as
 * Lambda's pollers do), invokes the function with at most `maximumConcurrency` batches in flight,
 * and deletes what the function handled. Failed messages are not touched: they come back when their
 * visibility timeout ends, and the queue's redrive policy counts their receives.
 *
 * LIMITATIONS
 * - One poller per mapping (Lambda scales pollers out); fine for one machine's rates.
 * - stop() does not wait for invocations in flight (a throttled batch stops retrying).
 * - Throttled invocations are retried until half the queue's visibility timeout has passed since
 *   the receive (AWS: "until the message's timestamp exceeds the visibility timeout"), leaving the
 *   other half to the invocation that runs; the visibility timeout is read once per mapping.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { failedItems, sqsRecord } from './lambda-event.ts';

export interface EventSourceMappingOptions {
  /** an AWS SDK v3 SQSClient pointed at the edge (the poller uses the real API, as Lambda's pollers do) */
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  /** ScalingConfig.MaximumConcurrency: at most this many invocations in flight */
  maximumConcurrency: number;
  reportBatchItemFailures: boolean;
  maximumBatchingWindowSeconds?: number;
  /** the Lambda invocation */
  invoke: (event: SQSEvent) => Promise<unknown>;
  log?: (line: string) => void;
}

/** The longest pause of the polling loop after consecutive errors. */
const maxBackoffMs = 10_000;
const firstBackoffMs = 200;
/** SQS's long-poll maximum. */
const maxWaitSeconds = 20;

/** The pause after the n-th consecutive failure (1, 2, …). */
function backoffMs(failures: number): number {
  return Math.min(maxBackoffMs, firstBackoffMs * 2 ** (failures - 1));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}

/** Lambda's own throttle, however the invoke path names it (`Lambda.TooManyRequestsException`). */
function isThrottle(error: unknown): boolean {
  return errorName(error).endsWith('TooManyRequestsException');
}

export class EventSourceMapping {
  private running = false;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly invocations = new Set<Promise<void>>();
  private slotWaiters: Array<() => void> = [];
  /** Consecutive failed receives and failed invocations: each backs the loop off. */
  private readonly failures = { receive: 0, invoke: 0 };
  /** Epoch ms before which the loop does not poll (errors back it off). */
  private pausedUntil = 0;
  private visibilityMs: number | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly o: EventSourceMappingOptions) {
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 10_000) {
      throw new Error(`batchSize must be an integer from 1 to 10000, got ${o.batchSize}`);
    }
    if (o.batchSize > 10 && !o.maximumBatchingWindowSeconds) {
      throw new Error(
        'a batchSize above 10 needs maximumBatchingWindowSeconds of at least 1 (as Lambda requires)',
      );
    }
    if (!Number.isInteger(o.maximumConcurrency) || o.maximumConcurrency < 2 || o.maximumConcurrency > 1000) {
      throw new Error(`maximumConcurrency must be an integer from 2 to 1000, got ${o.maximumConcurrency}`);
    }
    const window = o.maximumBatchingWindowSeconds ?? 0;
    if (!Number.isInteger(window) || window < 0 || window > 300) {
      throw new Error(`maximumBatchingWindowSeconds must be an integer from 0 to 300, got ${window}`);
    }
    this.log = o.log ?? ((line) => console.error(line));
  }

  /** invocations in flight now */
  get inFlight(): number {
    return this.invocations.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.poll();
  }

  /**
   * Stops polling at once (the pending long poll is aborted). Invocations in flight are not waited
   * for (an execution can run for minutes): each still deletes its messages when it succeeds, and
   * whatever it does not delete comes back after its visibility timeout. `settled()` waits for them.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wakeSlotWaiters();
    await this.loop;
  }

  /** Resolves when no invocation is in flight. */
  async settled(): Promise<void> {
    while (this.invocations.size > 0) await Promise.all([...this.invocations]);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      await this.freeSlot();
      await this.sleepUntil(this.pausedUntil);
      if (!this.running) break;
      let messages: Message[];
      const receivedAt = Date.now();
      try {
        messages = await this.receiveBatch();
      } catch (error) {
        if (!this.running) break;
        this.log(
          `[sqs-mapping] receive from ${this.o.queueArn} failed: ${errorName(error)}: ${String(error)}`,
        );
        this.backOff('receive');
        continue;
      }
      this.failures.receive = 0;
      if (messages.length > 0) this.dispatch(messages, receivedAt);
    }
  }

  /** One receive, then more while the batching window is open and the batch is not full. */
  private async receiveBatch(): Promise<Message[]> {
    const windowMs = (this.o.maximumBatchingWindowSeconds ?? 0) * 1000;
    const batch = await this.receive(Math.min(10, this.o.batchSize), maxWaitSeconds);
    if (batch.length === 0 || windowMs === 0) return batch;
    const closesAt = Date.now() + windowMs;
    while (this.running && batch.length < this.o.batchSize) {
      const left = closesAt - Date.now();
      if (left <= 0) break;
      try {
        const more = await this.receive(
          Math.min(10, this.o.batchSize - batch.length),
          Math.min(maxWaitSeconds, Math.ceil(left / 1000)),
        );
        batch.push(...more);
      } catch (error) {
        // What was gathered is invoked; the rest waits for the next poll.
        this.log(`[sqs-mapping] receive from ${this.o.queueArn} failed: ${errorName(error)}`);
        break;
      }
    }
    return batch;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await this.o.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.o.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages ?? [];
  }

  private dispatch(messages: Message[], receivedAt: number): void {
    const invocation = this.invokeAndSettle(messages, receivedAt).finally(() => {
      this.invocations.delete(invocation);
      this.wakeSlotWaiters();
    });
    this.invocations.add(invocation);
  }

  /**
   * Invokes with the batch; a throttled invocation is retried with backoff inside the same receive
   * (so it costs the messages nothing but that one receive), as long as half the visibility timeout
   * is left for the invocation that finally runs. Then the messages are left to come back.
   */
  private async invokeAndSettle(messages: Message[], receivedAt: number): Promise<void> {
    const source = { queueArn: this.o.queueArn, region: this.o.region };
    const event: SQSEvent = { Records: messages.map((message) => sqsRecord(message, source)) };
    let response: unknown;
    for (let throttles = 1; ; throttles += 1) {
      try {
        response = await this.o.invoke(event);
        break;
      } catch (error) {
        this.backOff('invoke');
        const retryAt = Date.now() + backoffMs(throttles);
        const retryWindowEnds = receivedAt + (await this.visibilityTimeoutMs()) / 2;
        if (isThrottle(error) && this.running && retryAt < retryWindowEnds) {
          await this.sleepUntil(retryAt);
          if (this.running) continue;
        }
        // Nothing is deleted: the messages come back after their visibility timeout.
        this.log(
          `[sqs-mapping] ${isThrottle(error) ? 'throttled' : 'invocation failed'} (${errorName(error)}); ${messages.length} message(s) return after their visibility timeout`,
        );
        return;
      }
    }
    this.failures.invoke = 0;
    let keep: Set<string> | 'all' = new Set();
    if (this.o.reportBatchItemFailures) {
      keep = failedItems(response, new Set(messages.map((message) => message.MessageId ?? '')));
      if (keep === 'all') {
        this.log('[sqs-mapping] the batchItemFailures response is invalid: the whole batch failed');
        return;
      }
    }
    const done = messages.filter((message) => !(keep as Set<string>).has(message.MessageId ?? ''));
    await this.deleteMessages(done);
  }

  /** The queue's VisibilityTimeout (read once; 30 s, SQS's default, while it cannot be read). */
  private async visibilityTimeoutMs(): Promise<number> {
    if (this.visibilityMs !== undefined) return this.visibilityMs;
    try {
      const { Attributes } = await this.o.client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.o.queueUrl, AttributeNames: ['VisibilityTimeout'] }),
      );
      this.visibilityMs = Number(Attributes?.VisibilityTimeout ?? 30) * 1000;
      return this.visibilityMs;
    } catch {
      return 30_000;
    }
  }

  private async deleteMessages(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const { Failed } = await this.o.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.o.queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
        for (const failure of Failed ?? []) {
          this.log(`[sqs-mapping] delete failed (${failure.Code}): the message will be delivered again`);
        }
      } catch (error) {
        this.log(
          `[sqs-mapping] delete failed (${errorName(error)}): ${chunk.length} message(s) will be delivered again`,
        );
      }
    }
  }

  private freeSlot(): Promise<void> {
    if (this.invocations.size < this.o.maximumConcurrency || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve)).then(() => this.freeSlot());
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  /** Pauses the polling loop, exponentially longer after each consecutive error. */
  private backOff(kind: 'receive' | 'invoke'): void {
    this.failures[kind] += 1;
    const ms = backoffMs(this.failures[kind]);
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /** Sleeps until `until`, cut short by stop(). */
  private sleepUntil(until: number): Promise<void> {
    const ms = until - Date.now();
    const signal = this.abort.signal;
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}
