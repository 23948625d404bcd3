/**
 * Local SQS: standard queues over the AWS JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`,
 * what AWS SDK v3's SQSClient sends), kept in `<dataDir>/sqs/journal.jsonl` so that no
 * acknowledged SendMessage or DeleteMessage is lost, even to a kill -9.
 *
 * LIMITATIONS
 * - Standard queues only: FIFO attributes are refused (UnsupportedOperation).
 * - After a restart (or a crash) every in-flight message is visible at once: its consumer died with
 *   the process. Visibility timeouts and ChangeMessageVisibility are not journaled; receive counts are.
 * - One ordering, oldest first, and short polls see every message (AWS samples a subset of servers).
 * - Message move tasks are kept in memory: a restart forgets them (messages moved so far stay moved).
 * - No queue tags, no AWS Query (form) protocol, no StringListValues/BinaryListValues (refused);
 *   Policy, KMS and SSE attributes are stored, not enforced; SenderId is the caller's access key id.
 * - IAM: with an `authorizer`, a verified caller needs `sqs:<Operation>` on the queue's ARN
 *   (AccessDeniedException otherwise); queue policies are not evaluated.
 * - QueueDeletedRecently and PurgeQueueInProgress (60 s) are remembered in memory only.
 * - MaximumMessageSize defaults to 256 KiB (AWS raised its default to 1 MiB in 2025).
 * - Faults (`{service: 'sqs', operation, match: <queue name>}`) answer errors or add latency;
 *   canned `response` bodies are ignored.
 */
import { randomUUID } from 'node:crypto';
import { applyLatency } from '../../faults.ts';
import type { Authorizer } from '../../iam/local-iam.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { invalidParameter, missingParameter, queueDoesNotExist, sendSqsError, sqsError } from './errors.ts';
import { type MessageAttributeValue, md5OfMessageAttributes } from './md5.ts';
import {
  checkBody,
  checkDelaySeconds,
  checkMessageAttributes,
  checkSystemAttributes,
  messageSize,
} from './message-input.ts';
import { MoveTasks } from './move-tasks.ts';
import {
  checkRedriveAllowPolicy,
  defaultAttributes,
  integerAttribute,
  parseRedrivePolicy,
  readableAttributes,
  validateAttributes,
} from './queue-attributes.ts';
import { decodeReceipt, type Message, type NewMessage, type Queue, QueueStore } from './store.ts';

export interface SqsProviderOptions extends ProviderContext {
  /** the edge URL, for QueueUrl */
  endpoint: () => string;
  /** Who may do what; callers are not checked unless given (the edge verified their signature). */
  authorizer?: Authorizer;
}

type Input = Record<string, unknown>;

const queueName = /^[A-Za-z0-9_-]{1,80}$/;
const batchEntryId = /^[A-Za-z0-9_-]{1,80}$/;
const systemAttributeNames = new Set([
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
]);
/** AWS waits 60 s before a deleted queue's name can be used again, and between two purges. */
const cooldownMs = 60_000;
const maxVisibilityTimeout = 43_200;

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw sqsError('InvalidParameterValue', `${name} must be a string.`);
  return value;
}

function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

function optionalInteger(
  input: Input,
  name: string,
  min: number,
  max: number,
  reason: string,
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(name, value, reason);
  }
  return value;
}

function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw sqsError('InvalidParameterValue', `${name} must be a list of strings.`);
  }
  return value as string[];
}

function entriesOf(input: Input, requestName: string): Input[] {
  const entries = input.Entries;
  if (entries === undefined || entries === null || (Array.isArray(entries) && entries.length === 0)) {
    throw sqsError('EmptyBatchRequest', `There should be at least one ${requestName}Entry in the request.`);
  }
  if (!Array.isArray(entries)) throw sqsError('InvalidParameterValue', 'Entries must be a list.');
  if (entries.length > 10) {
    throw sqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const entry of entries as Input[]) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !batchEntryId.test(id)) {
      throw sqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries as Input[];
}

/** `name`, `prefix.*`, `All` / `.*` → a predicate over attribute names. */
function nameFilter(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.some((pattern) => pattern === 'All' || pattern === '.*')) return () => true;
  return (name) =>
    patterns.some((pattern) =>
      pattern.endsWith('.*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
    );
}

export class SqsProvider implements Provider {
  readonly name = 'sqs';
  private readonly store: QueueStore;
  private readonly moveTasks: MoveTasks;
  private readonly log: (line: string) => void;
  private readonly deletedAt = new Map<string, number>();
  /** Queues the stack itself created (createQueue/ensureQueue in process): reset keeps them. */
  private readonly stackQueues = new Set<string>();
  private ready = false;

  constructor(private readonly options: SqsProviderOptions) {
    this.log = options.log;
    this.store = new QueueStore(options.config.dataDir, (name) => this.queueArn(name), this.log);
    this.moveTasks = new MoveTasks(this.store, this.log);
  }

  queueArn(name: string): string {
    const { region, accountId } = this.options.config;
    return `arn:aws:sqs:${region}:${accountId}:${name}`;
  }

  queueUrl(name: string): string {
    return `${this.options.endpoint()}/${this.options.config.accountId}/${name}`;
  }

  async start(): Promise<void> {
    await this.store.open();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.moveTasks.clear();
    for (const queue of this.store.queues.values()) this.store.wake(queue);
    await this.store.close();
  }

  /** Drops the provider as a kill -9 would: nothing flushed, nothing answered (tests). */
  crash(): void {
    this.ready = false;
    for (const queue of this.store.queues.values()) this.store.wake(queue);
    this.store.abandon();
  }

  /**
   * Forgets every message and every queue created over the API; the stack's own queues (created
   * in process, with createQueue/ensureQueue) stay, empty, as S3 keeps its buckets.
   */
  async reset(): Promise<void> {
    await this.moveTasks.clear();
    this.deletedAt.clear();
    await this.store.clear(this.stackQueues);
  }

  health(): ProviderHealth {
    let messages = 0;
    for (const queue of this.store.queues.values()) messages += queue.messages.size;
    return { ready: this.ready, detail: `${this.store.queues.size} queues, ${messages} messages` };
  }

  /** CreateQueue for the stack: idempotent for the same attributes, QueueNameExists for different ones. */
  async createQueue(
    name: string,
    attributes: Record<string, string> = {},
  ): Promise<{ queueUrl: string; queueArn: string }> {
    const created = await this.create(name, attributes);
    this.stackQueues.add(name);
    return created;
  }

  private async create(
    name: string,
    attributes: Record<string, string>,
  ): Promise<{ queueUrl: string; queueArn: string }> {
    if (!queueName.test(name)) {
      if (name.endsWith('.fifo')) {
        throw sqsError(
          'UnsupportedOperation',
          'The local SQS has standard queues only: FIFO queues are not supported.',
        );
      }
      throw sqsError(
        'InvalidParameterValue',
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const arn = this.queueArn(name);
    const wanted = validateAttributes(attributes, (target) => this.redriveTarget(target, arn));
    const existing = this.store.queues.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(wanted)) {
        if (existing.attributes[key] !== value) {
          throw sqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return { queueUrl: this.queueUrl(name), queueArn: existing.arn };
    }
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && Date.now() - deletedAt < cooldownMs) {
      throw sqsError(
        'QueueDeletedRecently',
        `You must wait 60 seconds after deleting a queue before you can create another queue with the same name.`,
      );
    }
    const now = Math.floor(Date.now() / 1000);
    const queue = await this.store.putQueue({
      name,
      attributes: { ...defaultAttributes(), ...dropEmpty(wanted) },
      created: now,
      modified: now,
    });
    return { queueUrl: this.queueUrl(name), queueArn: queue.arn };
  }

  /**
   * CreateQueue, or SetQueueAttributes when the queue exists with other values: what a deploy does,
   * so a stack booting on an older data folder takes the attributes its contracts name now.
   */
  async ensureQueue(
    name: string,
    attributes: Record<string, string> = {},
  ): Promise<{ queueUrl: string; queueArn: string }> {
    const existing = this.store.queues.get(name);
    if (!existing) return this.createQueue(name, attributes);
    this.stackQueues.add(name);
    if (Object.entries(attributes).some(([key, value]) => existing.attributes[key] !== value)) {
      await this.putAttributes(existing, attributes);
    }
    return { queueUrl: this.queueUrl(name), queueArn: existing.arn };
  }

  /** SendMessage from inside the stack; resolves once the message is durable on disk (fsync). */
  async sendMessage(queueName: string, body: string, delaySeconds?: number): Promise<{ messageId: string }> {
    await this.fault('SendMessage', queueName);
    const queue = this.queueNamed(queueName);
    const [message] = await this.store.send(queue, [
      this.newMessage(
        queue,
        {
          MessageBody: body,
          ...(delaySeconds === undefined ? {} : { DelaySeconds: delaySeconds }),
        },
        this.options.config.credentials.accessKeyId,
      ),
    ]);
    return { messageId: (message as Message).id };
  }

  queueDepth(queueName: string): { visible: number; inFlight: number; delayed: number } {
    return this.store.counts(this.queueNamed(queueName));
  }

  /** Long-polling receives waiting on the queue now (tests, diagnostics). */
  pendingReceives(queueName: string): number {
    return this.queueNamed(queueName).waiters.size;
  }

  /** Refuses a verified caller whose IAM policy does not allow `sqs:<operation>` on the queue. */
  private authorize(caller: string | undefined, operation: string, queue: unknown): void {
    const { authorizer, config } = this.options;
    if (caller === undefined || !authorizer) return;
    const resource =
      operation === 'ListQueues' || typeof queue !== 'string'
        ? '*'
        : `arn:aws:sqs:${config.region}:${config.accountId}:${queue}`;
    const verdict = authorizer.authorize(caller, { action: `sqs:${operation}`, resource });
    if (!verdict.allowed) throw sqsError('AccessDeniedException', verdict.message, 403);
  }

  async handle({ req, res, body, caller }: EdgeRequest): Promise<void> {
    const requestId = randomUUID();
    try {
      // A stopped provider answers like an unavailable service, so pollers back off, not spin.
      if (!this.ready) throw sqsError('ServiceUnavailable', 'The local SQS is not running.', 503);
      const target = req.headers['x-amz-target'];
      const operation = typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice(10) : '';
      if (!operation) {
        throw sqsError(
          'InvalidAction',
          'The local SQS answers the AWS JSON protocol (X-Amz-Target: AmazonSQS.<Operation>).',
        );
      }
      let input: Input;
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        input = parsed as Input;
      } catch {
        throw sqsError('SerializationException', 'The request body is not a JSON object.');
      }
      const subject = typeof input.QueueUrl === 'string' ? input.QueueUrl.split('/').pop() : input.QueueName;
      this.authorize(caller, operation, subject);
      await this.fault(operation, typeof subject === 'string' ? subject : '');
      const senderId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const output = await this.run(
        operation,
        input,
        senderId ?? this.options.config.accountId,
        abort.signal,
      );
      sendJson(res, 200, output, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': requestId,
      });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      sendSqsError(res, error, requestId);
    }
  }

  private async fault(operation: string, subject: string): Promise<void> {
    const fault = this.options.faults.find('sqs', operation, [subject]);
    await applyLatency(fault);
    if (fault?.error)
      throw sqsError(fault.error, fault.message ?? `injected fault on ${operation}`, fault.status ?? 400);
  }

  private run(operation: string, input: Input, senderId: string, signal: AbortSignal): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue':
        return this.createQueueOperation(input);
      case 'GetQueueUrl':
        return this.getQueueUrl(input);
      case 'GetQueueAttributes':
        return Promise.resolve(this.getQueueAttributes(input));
      case 'SetQueueAttributes':
        return this.setQueueAttributes(input);
      case 'ListQueues':
        return Promise.resolve(this.listQueues(input));
      case 'DeleteQueue':
        return this.deleteQueue(input);
      case 'PurgeQueue':
        return this.purgeQueue(input);
      case 'SendMessage':
        return this.sendMessageOperation(input, senderId);
      case 'SendMessageBatch':
        return this.sendMessageBatch(input, senderId);
      case 'ReceiveMessage':
        return this.receiveMessage(input, signal);
      case 'DeleteMessage':
        return this.deleteMessage(input);
      case 'DeleteMessageBatch':
        return this.deleteMessageBatch(input);
      case 'ChangeMessageVisibility':
        return this.changeMessageVisibility(input);
      case 'ChangeMessageVisibilityBatch':
        return this.changeMessageVisibilityBatch(input);
      case 'StartMessageMoveTask':
        return Promise.resolve(this.startMessageMoveTask(input));
      case 'ListMessageMoveTasks':
        return Promise.resolve(this.listMessageMoveTasks(input));
      case 'CancelMessageMoveTask':
        return Promise.resolve(this.cancelMessageMoveTask(input));
      default:
        throw sqsError('InvalidAction', `The action ${operation} is not valid for this endpoint.`);
    }
  }

  private queueNamed(name: string): Queue {
    const queue = this.store.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** `http(s)://host/<account>/<name>`: the host is not checked (the SDK sends to it). */
  private queueAt(input: Input): Queue {
    const url = requiredString(input, 'QueueUrl');
    let segments: string[];
    try {
      segments = new URL(url).pathname.split('/').filter((part) => part !== '');
    } catch {
      throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    }
    if (segments.length !== 2)
      throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    const [account, name] = segments as [string, string];
    if (account !== this.options.config.accountId) throw queueDoesNotExist();
    return this.queueNamed(name);
  }

  private redriveTarget(targetArn: string, sourceArn: string): 'missing' | 'denied' | 'allowed' {
    const target = this.store.queueByArn(targetArn);
    if (!target) return 'missing';
    const raw = target.attributes.RedriveAllowPolicy;
    if (!raw) return 'allowed';
    const policy = checkRedriveAllowPolicy(raw);
    if (policy.permission === 'denyAll') return 'denied';
    if (policy.permission === 'byQueue' && !policy.sources.includes(sourceArn)) return 'denied';
    return 'allowed';
  }

  private async createQueueOperation(input: Input): Promise<unknown> {
    const attributes = input.Attributes ?? {};
    if (typeof attributes !== 'object' || attributes === null) {
      throw sqsError('InvalidParameterValue', 'Attributes must be a map.');
    }
    const { queueUrl } = await this.create(
      requiredString(input, 'QueueName'),
      attributes as Record<string, string>,
    );
    return { QueueUrl: queueUrl };
  }

  private async getQueueUrl(input: Input): Promise<unknown> {
    const name = requiredString(input, 'QueueName');
    const owner = optionalString(input, 'QueueOwnerAWSAccountId');
    if (owner !== undefined && owner !== this.options.config.accountId) throw queueDoesNotExist();
    return { QueueUrl: this.queueUrl(this.queueNamed(name).name) };
  }

  private getQueueAttributes(input: Input): unknown {
    const queue = this.queueAt(input);
    const names = stringList(input, 'AttributeNames');
    for (const name of names) {
      if (name !== 'All' && !readableAttributes.has(name)) {
        throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const counts = this.store.counts(queue);
    const all: Record<string, string> = {
      ...queue.attributes,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(queue.created),
      LastModifiedTimestamp: String(queue.modified),
    };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const attributes: Record<string, string> = {};
    for (const name of wanted) {
      const value = all[name];
      if (value !== undefined) attributes[name] = value;
    }
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  private async setQueueAttributes(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    const attributes = input.Attributes;
    if (typeof attributes !== 'object' || attributes === null || Object.keys(attributes).length === 0) {
      throw missingParameter('Attributes');
    }
    await this.putAttributes(queue, attributes as Input);
    return {};
  }

  private async putAttributes(queue: Queue, attributes: Input): Promise<void> {
    const changes = validateAttributes(attributes, (target) => this.redriveTarget(target, queue.arn));
    await this.store.putQueue({
      name: queue.name,
      attributes: dropEmpty({ ...queue.attributes, ...changes }),
      created: queue.created,
      modified: Math.floor(Date.now() / 1000),
    });
  }

  private listQueues(input: Input): unknown {
    const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
    const max = optionalInteger(input, 'MaxResults', 1, 1000, 'Must be between 1 and 1000, if provided.');
    const token = optionalString(input, 'NextToken');
    const names = [...this.store.queues.keys()].filter((name) => name.startsWith(prefix)).sort();
    let start = 0;
    if (token !== undefined) {
      const after = Buffer.from(token, 'base64').toString('utf8');
      start = names.findIndex((name) => name > after);
      if (start === -1) start = names.length;
    }
    const page = max === undefined ? names.slice(start, start + 1000) : names.slice(start, start + max);
    const last = page.at(-1);
    const more = max !== undefined && last !== undefined && start + page.length < names.length;
    return {
      ...(page.length > 0 ? { QueueUrls: page.map((name) => this.queueUrl(name)) } : {}),
      ...(more ? { NextToken: Buffer.from(last).toString('base64') } : {}),
    };
  }

  private async deleteQueue(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    this.deletedAt.set(queue.name, Date.now());
    await this.store.dropQueue(queue);
    return {};
  }

  private async purgeQueue(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    const now = Date.now();
    if (queue.lastPurge !== undefined && now - queue.lastPurge < cooldownMs) {
      throw sqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
      );
    }
    queue.lastPurge = now;
    await this.store.purge(queue);
    return {};
  }

  /** Validates one message for `queue` (throws the AWS error naming the problem). */
  private newMessage(queue: Queue, input: Input, senderId: string): NewMessage {
    const body = checkBody(input.MessageBody);
    const delaySeconds = checkDelaySeconds(input.DelaySeconds);
    const attributes = checkMessageAttributes(input.MessageAttributes);
    const traceHeader = checkSystemAttributes(input.MessageSystemAttributes);
    if (input.MessageGroupId !== undefined || input.MessageDeduplicationId !== undefined) {
      throw sqsError(
        'InvalidParameterValue',
        'The request include parameter that is not valid for this queue type',
      );
    }
    const limit = integerAttribute(queue.attributes, 'MaximumMessageSize');
    if (messageSize(body, attributes) > limit) {
      throw sqsError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
      );
    }
    return {
      body,
      attributes,
      senderId,
      ...(delaySeconds === undefined ? {} : { delaySeconds }),
      ...(traceHeader === undefined ? {} : { traceHeader }),
    };
  }

  private async sendMessageOperation(input: Input, senderId: string): Promise<unknown> {
    const queue = this.queueAt(input);
    const [message] = (await this.store.send(queue, [this.newMessage(queue, input, senderId)])) as [Message];
    return { MessageId: message.id, ...sendDigests(message) };
  }

  private async sendMessageBatch(input: Input, senderId: string): Promise<unknown> {
    const queue = this.queueAt(input);
    const entries = entriesOf(input, 'SendMessageBatchRequest');
    const limit = integerAttribute(queue.attributes, 'MaximumMessageSize');
    let total = 0;
    for (const entry of entries) {
      if (typeof entry.MessageBody === 'string') {
        total += messageSize(
          entry.MessageBody,
          (entry.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>,
        );
      }
    }
    if (total > limit) {
      throw sqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${limit} bytes. You have sent ${total} bytes.`,
      );
    }
    const failed: unknown[] = [];
    const accepted: Array<{ id: string; message: NewMessage }> = [];
    for (const entry of entries) {
      try {
        accepted.push({ id: entry.Id as string, message: this.newMessage(queue, entry, senderId) });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    const sent = await this.store.send(
      queue,
      accepted.map((entry) => entry.message),
    );
    return {
      Successful: sent.map((message, index) => ({
        Id: accepted[index]?.id,
        MessageId: message.id,
        ...sendDigests(message),
      })),
      Failed: failed,
    };
  }

  private async receiveMessage(input: Input, signal: AbortSignal): Promise<unknown> {
    const queue = this.queueAt(input);
    const max =
      optionalInteger(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const visibility =
      optionalInteger(
        input,
        'VisibilityTimeout',
        0,
        maxVisibilityTimeout,
        'Must be between 0 and 43200, if provided.',
      ) ?? integerAttribute(queue.attributes, 'VisibilityTimeout');
    const wait =
      optionalInteger(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
      integerAttribute(queue.attributes, 'ReceiveMessageWaitTimeSeconds');
    const systemNames = [
      ...stringList(input, 'AttributeNames'),
      ...stringList(input, 'MessageSystemAttributeNames'),
    ];
    for (const name of systemNames) {
      if (!systemAttributeNames.has(name))
        throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const attributeNames = stringList(input, 'MessageAttributeNames');
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      if (signal.aborted || !this.ready) return {};
      // The queue may have been deleted while this receive waited.
      if (this.store.queues.get(queue.name) !== queue) throw queueDoesNotExist();
      const messages = await this.store.receive(queue, max, visibility * 1000);
      if (messages.length > 0) {
        const wantSystem = nameFilter(systemNames);
        const wantAttribute = nameFilter(attributeNames);
        return {
          Messages: messages.map((message) =>
            this.messageOutput(message, wantSystem, wantAttribute, attributeNames.length > 0),
          ),
        };
      }
      const now = Date.now();
      if (now >= deadline) return {};
      await this.waitForChange(
        queue,
        Math.min(deadline, this.store.nextVisibleAt(queue, now) ?? deadline),
        signal,
      );
    }
  }

  private waitForChange(queue: Queue, until: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      queue.waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  private messageOutput(
    message: Message,
    wantSystem: (name: string) => boolean,
    wantAttribute: (name: string) => boolean,
    anyAttributes: boolean,
  ): unknown {
    const system: Record<string, string | undefined> = {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? message.receivedAt),
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
      AWSTraceHeader: message.traceHeader,
    };
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(system)) {
      if (value !== undefined && wantSystem(name)) attributes[name] = value;
    }
    const messageAttributes: Record<string, MessageAttributeValue> = {};
    if (anyAttributes) {
      for (const [name, value] of Object.entries(message.attributes)) {
        if (wantAttribute(name)) messageAttributes[name] = value;
      }
    }
    const md5Attributes = md5OfMessageAttributes(messageAttributes);
    return {
      MessageId: message.id,
      ReceiptHandle: message.receipt,
      MD5OfBody: message.md5Body,
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(md5Attributes
        ? { MD5OfMessageAttributes: md5Attributes, MessageAttributes: messageAttributes }
        : {}),
    };
  }

  /** The message a receipt handle names in `queue`, if it is still there. */
  private messageFor(queue: Queue, handle: string): Message | undefined {
    const receipt = decodeReceipt(handle);
    if (!receipt || receipt.queueName !== queue.name) {
      throw sqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${handle}" is not a valid receipt handle.`,
      );
    }
    return queue.messages.get(receipt.messageId);
  }

  /** Deletes when the handle is the latest receive's; an older handle succeeds and deletes nothing (AWS). */
  private async deleteMessage(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    const handle = requiredString(input, 'ReceiptHandle');
    const message = this.messageFor(queue, handle);
    if (message?.receipt === handle) await this.store.delete(queue, [message.id]);
    return {};
  }

  private async deleteMessageBatch(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    const entries = entriesOf(input, 'DeleteMessageBatchRequest');
    const successful: unknown[] = [];
    const failed: unknown[] = [];
    const ids: string[] = [];
    for (const entry of entries) {
      try {
        const handle = requiredString(entry, 'ReceiptHandle');
        const message = this.messageFor(queue, handle);
        if (message?.receipt === handle) ids.push(message.id);
        successful.push({ Id: entry.Id });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    await this.store.delete(queue, ids);
    return { Successful: successful, Failed: failed };
  }

  private changeVisibility(queue: Queue, handle: string, timeout: unknown): void {
    if (
      typeof timeout !== 'number' ||
      !Number.isInteger(timeout) ||
      timeout < 0 ||
      timeout > maxVisibilityTimeout
    ) {
      throw invalidParameter('VisibilityTimeout', timeout, 'Must be between 0 and 43200, if provided.');
    }
    const message = this.messageFor(queue, handle);
    if (!message || message.receipt !== handle) {
      throw invalidParameter(
        'ReceiptHandle',
        handle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    const now = Date.now();
    if (message.visibleAt <= now) throw sqsError('MessageNotInflight', 'Message is not inflight.');
    const visibleAt = now + timeout * 1000;
    if (visibleAt - (message.receivedAt ?? now) > maxVisibilityTimeout * 1000) {
      throw invalidParameter(
        'VisibilityTimeout',
        timeout,
        `Total VisibilityTimeout for the message is beyond the limit [${maxVisibilityTimeout} seconds]`,
      );
    }
    this.store.setVisibility(queue, message, visibleAt);
  }

  private async changeMessageVisibility(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    if (input.VisibilityTimeout === undefined) throw missingParameter('VisibilityTimeout');
    this.changeVisibility(queue, requiredString(input, 'ReceiptHandle'), input.VisibilityTimeout);
    return {};
  }

  private async changeMessageVisibilityBatch(input: Input): Promise<unknown> {
    const queue = this.queueAt(input);
    const entries = entriesOf(input, 'ChangeMessageVisibilityBatchRequest');
    const successful: unknown[] = [];
    const failed: unknown[] = [];
    for (const entry of entries) {
      try {
        if (entry.VisibilityTimeout === undefined) throw missingParameter('VisibilityTimeout');
        this.changeVisibility(queue, requiredString(entry, 'ReceiptHandle'), entry.VisibilityTimeout);
        successful.push({ Id: entry.Id });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    return { Successful: successful, Failed: failed };
  }

  private queueForArn(arn: string, parameter: string): Queue {
    const queue = this.store.queueByArn(arn);
    if (!queue)
      throw sqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the ${parameter} parameter doesn't exist.`,
      );
    return queue;
  }

  private startMessageMoveTask(input: Input): unknown {
    const source = this.queueForArn(requiredString(input, 'SourceArn'), 'SourceArn');
    const destinationArn = optionalString(input, 'DestinationArn');
    const destination =
      destinationArn === undefined ? undefined : this.queueForArn(destinationArn, 'DestinationArn');
    const rate = optionalInteger(
      input,
      'MaxNumberOfMessagesPerSecond',
      1,
      500,
      'Must be between 1 and 500, if provided.',
    );
    const isDeadLetterQueue = [...this.store.queues.values()].some((queue) => {
      const policy = queue.attributes.RedrivePolicy;
      return policy !== undefined && parseRedrivePolicy(policy).deadLetterTargetArn === source.arn;
    });
    if (!isDeadLetterQueue) {
      throw sqsError('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    }
    if (this.moveTasks.running(source.arn)) {
      throw sqsError(
        'UnsupportedOperation',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    return { TaskHandle: this.moveTasks.start(source, destination, rate).taskHandle };
  }

  private listMessageMoveTasks(input: Input): unknown {
    const source = this.queueForArn(requiredString(input, 'SourceArn'), 'SourceArn');
    const max = optionalInteger(input, 'MaxResults', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    return {
      Results: this.moveTasks.list(source.arn, max).map((task) => ({
        ...(task.status === 'RUNNING' ? { TaskHandle: task.taskHandle } : {}),
        Status: task.status,
        SourceArn: task.sourceArn,
        ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
        ...(task.maxNumberOfMessagesPerSecond
          ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
          : {}),
        ApproximateNumberOfMessagesMoved: task.moved,
        ApproximateNumberOfMessagesToMove: task.toMove,
        ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
        StartedTimestamp: task.startedAt,
      })),
    };
  }

  private cancelMessageMoveTask(input: Input): unknown {
    const task = this.moveTasks.find(requiredString(input, 'TaskHandle'));
    if (task?.status !== 'RUNNING') {
      throw sqsError('ResourceNotFoundException', 'Task does not exist or is not running.');
    }
    this.moveTasks.cancel(task);
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }
}

/** The digests SendMessage(Batch) answers with, which the SDK checks against what it sent. */
function sendDigests(message: Message): Record<string, string> {
  const system = message.traceHeader
    ? md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader } })
    : undefined;
  return {
    MD5OfMessageBody: message.md5Body,
    ...(message.md5Attributes ? { MD5OfMessageAttributes: message.md5Attributes } : {}),
    ...(system ? { MD5OfMessageSystemAttributes: system } : {}),
  };
}

/** An empty string removes an attribute (RedrivePolicy, Policy, …) as SetQueueAttributes does. */
function dropEmpty(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ''));
}
