/**
 * Local SNS: CreateTopic, Publish, ListTopics over the Query protocol (form posts, XML answers).
 * Published messages are kept in memory and appended to `<dataDir>/sns/messages.jsonl`.
 *
 * LIMITATIONS
 * - No subscriptions or deliveries: messages are only recorded (`messages()`, the admin API).
 * - No FIFO topics, PublishBatch, topic attributes or topic policies. The edge verifies signatures;
 *   a function's Publish is authorised against its IAM policy (AuthorizationError otherwise).
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { applyLatency } from '../../faults.ts';
import { type Authorizer, rootOnly } from '../../iam/local-iam.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SnsMessage {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageAttributes: Record<string, SnsMessageAttribute>;
  Timestamp: string;
}

export interface PublishInput {
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageAttributes?: Record<string, SnsMessageAttribute>;
}

export interface SnsProviderOptions extends ProviderContext {
  /** Who may do what; only the stack's own credentials unless given. */
  authorizer?: Authorizer;
}

const xmlns = 'http://sns.amazonaws.com/doc/2010-03-31/';

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` → a record. */
export function messageAttributesFrom(form: URLSearchParams): Record<string, SnsMessageAttribute> {
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = form.get(`${prefix}.Name`) ?? '';
    const attribute: SnsMessageAttribute = { DataType: form.get(`${prefix}.Value.DataType`) ?? 'String' };
    const stringValue = form.get(`${prefix}.Value.StringValue`);
    const binaryValue = form.get(`${prefix}.Value.BinaryValue`);
    if (stringValue !== null) attribute.StringValue = stringValue;
    if (binaryValue !== null) attribute.BinaryValue = binaryValue;
    attributes[name] = attribute;
  }
  return attributes;
}

export class SnsProvider implements Provider {
  readonly name = 'sns';
  private readonly topics = new Set<string>();
  private recorded: SnsMessage[] = [];
  private ready = false;

  constructor(private readonly options: SnsProviderOptions) {}

  private get folder(): string {
    return path.join(this.options.config.dataDir, 'sns');
  }

  private get file(): string {
    return path.join(this.folder, 'messages.jsonl');
  }

  topicArn(name: string): string {
    const { region, accountId } = this.options.config;
    return `arn:aws:sns:${region}:${accountId}:${name}`;
  }

  async start(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const text = await readFile(this.file, 'utf8').catch(() => '');
    this.recorded = [];
    // A kill -9 in the middle of an append leaves a torn last line: it was never acknowledged, so
    // it is dropped (not fatal: the stack must start again on the same data).
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.recorded.push(JSON.parse(line) as SnsMessage);
      } catch {
        this.options.log(`[sns] messages.jsonl: dropped a torn record (${line.length} bytes)`);
      }
    }
    // The next record must start on a line of its own, not continue the torn one.
    if (text !== '' && !text.endsWith('\n')) await appendFile(this.file, '\n');
    for (const message of this.recorded) this.topics.add(message.TopicArn);
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
  }

  async reset(): Promise<void> {
    this.recorded = [];
    await rm(this.file, { force: true });
  }

  health(): ProviderHealth {
    return { ready: this.ready, detail: `${this.topics.size} topics, ${this.recorded.length} messages` };
  }

  createTopic(name: string): string {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name))
      throw new AwsError('InvalidParameter', 'Invalid parameter: Topic Name');
    const arn = this.topicArn(name);
    this.topics.add(arn);
    return arn;
  }

  /** Every message published since the data folder was created (or reset), oldest first. */
  messages(): SnsMessage[] {
    return [...this.recorded];
  }

  async publish(input: PublishInput): Promise<string> {
    const fault = this.options.faults.find('sns', 'Publish', [input.TopicArn]);
    await applyLatency(fault);
    if (fault?.error) throw new AwsError(fault.error, fault.message ?? 'injected fault', fault.status ?? 400);
    if (!this.topics.has(input.TopicArn)) throw new AwsError('NotFound', 'Topic does not exist', 404);
    if (input.Message === undefined || input.Message === '') {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Empty message');
    }
    const message: SnsMessage = {
      MessageId: randomUUID(),
      TopicArn: input.TopicArn,
      Message: input.Message,
      ...(input.Subject === undefined ? {} : { Subject: input.Subject }),
      MessageAttributes: input.MessageAttributes ?? {},
      Timestamp: new Date().toISOString(),
    };
    this.recorded.push(message);
    await appendFile(this.file, `${JSON.stringify(message)}\n`);
    return message.MessageId;
  }

  async handle({ res, body, caller }: EdgeRequest): Promise<void> {
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? '';
    const requestId = randomUUID();
    const reply = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(`<?xml version="1.0"?>\n${xml}`);
    };
    const ok = (inner: string) =>
      reply(
        200,
        `<${action}Response xmlns="${xmlns}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    try {
      switch (action) {
        case 'CreateTopic':
          ok(`<TopicArn>${escapeXml(this.createTopic(form.get('Name') ?? ''))}</TopicArn>`);
          return;
        case 'ListTopics':
          ok(
            `<Topics>${[...this.topics].map((arn) => `<member><TopicArn>${escapeXml(arn)}</TopicArn></member>`).join('')}</Topics>`,
          );
          return;
        case 'Publish': {
          const subject = form.get('Subject');
          const topicArn = form.get('TopicArn') ?? form.get('TargetArn') ?? '';
          if (caller !== undefined) {
            const authorizer = this.options.authorizer ?? rootOnly(this.options.config);
            const verdict = authorizer.authorize(caller, { action: 'sns:Publish', resource: topicArn });
            if (!verdict.allowed) throw new AwsError('AuthorizationError', verdict.message, 403);
          }
          const messageId = await this.publish({
            TopicArn: topicArn,
            Message: form.get('Message') ?? '',
            ...(subject === null ? {} : { Subject: subject }),
            MessageAttributes: messageAttributesFrom(form),
          });
          ok(`<MessageId>${messageId}</MessageId>`);
          return;
        }
        default:
          throw new AwsError(
            'InvalidAction',
            `The action ${action || '(none)'} is not valid for this endpoint.`,
          );
      }
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      reply(
        error.status,
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
  }
}
