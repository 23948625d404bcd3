/**
 * DynamoDB's JSON protocol spoken directly, for the local AppSync's reads: a SigV4-signed POST of
 * the operation's input as JSON, answered as the parsed JSON. AppSync's request objects already
 * carry attribute values in the wire format and its results are plain values made straight from the
 * wire (data-sources/plain-items.ts), so the SDK's command stack only converted them there and back:
 * ≈ 0.55 ms of main-thread CPU per GetItem through the SDK against ≈ 0.3 ms here (endpoint rules,
 * retry tokens, schema serde and the middleware chain on every call). Throttling, 5xx and lost
 * connections are sent again with jittered backoff, as the SDK's standard retry does (3 attempts).
 */
import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { type SendAgainOptions, sendAgainWhile, sleepFor } from '../../../contracts/send-again.ts';

/** DynamoDB's JSON protocol: the API version every operation's X-Amz-Target names. */
const targetPrefix = 'DynamoDB_20120810';

/** Error types DynamoDB answers with 400 that are worth another try, as the SDK's retry has them. */
const throttlingTypes = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/** One HTTP answer: status, headers and the body as text. */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Keep-alive connections to DynamoDB Local, shared by every wire client of the process. */
const agent = new http.Agent({ keepAlive: true });

/**
 * One POST; a connection lost before the whole answer arrived, or silent for `timeoutMs`, rejects.
 * (A socket timeout, not an AbortSignal.timeout per call: that keeps a timer and a signal alive for
 * the whole timeout after every answer, tens of thousands at a read burst's rate.)
 */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, agent, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) reject(new Error('DynamoDB closed the connection mid-answer'));
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from DynamoDB in ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** A refusal from DynamoDB, shaped as the SDK's service exceptions (name, $metadata). */
export class DynamoDbWireError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  /** TransactionCanceledException's reasons, when DynamoDB gives them. */
  readonly CancellationReasons?: Array<{ Code?: string; Message?: string }>;

  constructor(answer: Answer) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      // A body that is not JSON (a proxy's error page): the status says what there is to say.
    }
    const type = typeof body.__type === 'string' ? body.__type : '';
    const message = body.message ?? body.Message;
    super(typeof message === 'string' ? message : `HTTP ${answer.status}`);
    this.name =
      type.slice(type.lastIndexOf('#') + 1) ||
      (answer.status >= 500 ? 'InternalServerError' : 'UnknownError');
    const requestId = answer.headers['x-amzn-requestid'];
    this.$metadata = {
      httpStatusCode: answer.status,
      ...(typeof requestId === 'string' ? { requestId } : {}),
    };
    if (Array.isArray(body.CancellationReasons))
      this.CancellationReasons = body.CancellationReasons as Array<{ Code?: string; Message?: string }>;
  }
}

/**
 * No answer at all once every attempt is spent (refused, reset, timed out): the last failure, with
 * `$metadata` as the SDK's retry gives its own, so callers report it as they report a refusal.
 */
export class DynamoDbUnreachableError extends Error {
  readonly $metadata: { httpStatusCode?: number; requestId?: string } = {};

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = cause instanceof Error ? cause.name : 'Error';
  }
}

/** Network trouble, a 5xx or throttling: sent again. Any other refusal is the caller's. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof DynamoDbWireError)) return true;
  return error.$metadata.httpStatusCode >= 500 || throttlingTypes.has(error.name);
}

export interface WireTarget {
  endpoint: URL;
  region: string;
  credentials: AwsCredentialIdentity;
}

export interface WireRetry extends SendAgainOptions {
  /** An attempt with no answer by then is abandoned, as a lost connection (the SDK client's requestTimeout). */
  attemptTimeoutMs: number;
}

export class DynamoDbWire {
  private readonly signer: SignatureV4;

  constructor(
    private readonly target: WireTarget,
    private readonly retry: WireRetry = {
      attempts: 3,
      baseDelayMs: 100,
      sleep: sleepFor,
      attemptTimeoutMs: 30_000,
    },
  ) {
    this.signer = new SignatureV4({
      service: 'dynamodb',
      region: target.region,
      credentials: target.credentials,
      sha256: Sha256,
    });
  }

  /** One operation (`GetItem`, `Query`…) with its input as DynamoDB's JSON; its answer as JSON. */
  call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    return sendAgainWhile(() => this.send(operation, body), isTransient, this.retry).catch(
      (error: unknown) => {
        throw error instanceof DynamoDbWireError ? error : new DynamoDbUnreachableError(error);
      },
    );
  }

  private async send(operation: string, body: string): Promise<Record<string, unknown>> {
    const { endpoint } = this.target;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${targetPrefix}.${operation}`,
      },
      body,
    });
    // Host comes from the URL (the value that was signed).
    const { host: _host, ...headers } = signed.headers;
    const answer = await post(
      endpoint,
      { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      body,
      this.retry.attemptTimeoutMs,
    );
    if (answer.status !== 200) throw new DynamoDbWireError(answer);
    return JSON.parse(answer.text) as Record<string, unknown>;
  }
}

const wires = new WeakMap<DynamoDBClient, Promise<DynamoDbWire>>();

/**
 * The wire client for the same endpoint, region and credentials as an SDK client, one per client:
 * a new client (the provider makes one each time it starts) gets a new one.
 */
export function wireFor(client: DynamoDBClient): Promise<DynamoDbWire> {
  let wire = wires.get(client);
  if (!wire) {
    wire = (async () => {
      const { config } = client;
      if (!config.endpoint) throw new Error('the DynamoDB client has no endpoint');
      const endpoint = await config.endpoint();
      const port = endpoint.port ? `:${endpoint.port}` : '';
      return new DynamoDbWire({
        endpoint: new URL(`${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path}`),
        region: await config.region(),
        credentials: await config.credentials(),
      });
    })();
    wires.set(client, wire);
  }
  return wire;
}
