/**
 * Helpers for integration tests against the shared local stack: SDK clients pointed at it, the
 * upload flow's building blocks (requestUpload through the API, the POST),
 * polling with a bounded deadline, and the admin API.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { names } from '../../contracts/names.ts';
import type { StackInfo } from './global-setup.ts';

export type { StackInfo };

export function stackInfo(): StackInfo {
  return inject('stack');
}

/** SDK v3 clients pointed at a stack (the shared one unless given). */
export function clientsFor(stack: Pick<StackInfo, 'url' | 'accessKeyId' | 'secretAccessKey'> = stackInfo()) {
  const config = {
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  };
  const dynamodb = new DynamoDBClient(config);
  return {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
  };
}
export type StackClients = ReturnType<typeof clientsFor>;

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (time-ordered id), as `util.autoUlid()` makes them. */
export function ulid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i += 1) {
    time = crockford[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = [...randomBytes(16)].map((byte) => crockford[byte % 32]).join('');
  return time + random;
}

/** An image as `requestUpload` created it: the caller's sub, the ULID the API chose, what was declared. */
export interface PendingImage {
  owner: string;
  id: string;
  contentType: string;
  size: number;
}

export interface UploadTicket {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** Who calls the API: a signed-in user's token on one stack (the shared one unless given). */
export interface Caller {
  accessToken: string;
  stack?: Pick<StackInfo, 'graphqlUrl'>;
}

/** A GraphQL answer: `data`, and `errors` when a field or the request failed. */
export interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; errorType?: string }>;
}

/** One GraphQL request over HTTP as the caller (its Cognito access token); the whole answer. */
export async function graphqlAnswer<T>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer<T>> {
  const response = await fetch((caller.stack ?? stackInfo()).graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: caller.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlAnswer<T>;
}

/** A GraphQL request that must succeed: its data; any error fails the test with the errors. */
export async function graphqlData<T>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await graphqlAnswer<T>(caller, query, variables);
  if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

/**
 * `requestUpload` through the GraphQL API, as every client calls it: the API writes the
 * PENDING_UPLOAD item and returns the upload ticket.
 */
export async function requestUpload(
  caller: Caller,
  input: { contentType: string; size: number; fileName?: string; keepLocation?: boolean },
): Promise<{ image: PendingImage; ticket: UploadTicket }> {
  const response = await fetch((caller.stack ?? stackInfo()).graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: caller.accessToken },
    body: JSON.stringify({
      query:
        'mutation Upload($input: RequestUploadInput!) { requestUpload(input: $input) { image { id owner contentType size } url fields expiresAt } }',
      variables: { input: { fileName: 'photo.jpg', ...input } },
    }),
  });
  const result = (await response.json()) as {
    data?: { requestUpload: { image: PendingImage; url: string; fields: string; expiresAt: string } };
    errors?: unknown;
  };
  if (!result.data || result.errors)
    throw new Error(`requestUpload failed: ${JSON.stringify(result.errors)}`);
  const { image, url, fields, expiresAt } = result.data.requestUpload;
  return { image, ticket: { url, fields: JSON.parse(fields) as Record<string, string>, expiresAt } };
}

/** The browser's POST: the ticket's fields, then the file (S3 wants `file` last). */
export async function postUpload(ticket: UploadTicket, file: Buffer, contentType: string): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)], { type: contentType }), 'photo');
  return fetch(ticket.url, { method: 'POST', body: form });
}

/** The whole upload flow for a JPEG: requestUpload as `caller`, then the POST. */
export async function uploadJpeg(
  caller: Caller,
  jpeg: Buffer,
): Promise<{ image: PendingImage; response: Response }> {
  const { image, ticket } = await requestUpload(caller, { contentType: 'image/jpeg', size: jpeg.length });
  const response = await postUpload(ticket, jpeg, 'image/jpeg');
  return { image, response };
}

export async function getImageItem(clients: StackClients, owner: string, id: string) {
  const { Item } = await clients.documents.send(
    new GetCommand({ TableName: names.table, Key: { owner, id }, ConsistentRead: true }),
  );
  return Item;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 45_000, intervalMs = 100, what = 'the condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the item's status is one of `statuses`; returns the item. */
export function waitForStatus(
  clients: StackClients,
  owner: string,
  id: string,
  statuses: readonly string[],
  timeoutMs = 45_000,
) {
  return eventually(
    async () => {
      const item = await getImageItem(clients, owner, id);
      return item && statuses.includes(String(item.status)) ? item : undefined;
    },
    { timeoutMs, what: `image ${id} to be ${statuses.join(' or ')}` },
  );
}

/** Calls the admin API of a stack (the shared one unless given). */
export async function admin<T = unknown>(
  path: string,
  init: RequestInit = {},
  stack: Pick<StackInfo, 'url'> = stackInfo(),
): Promise<T> {
  const response = await fetch(`${stack.url}/_darkroom/${path.replace(/^\//, '')}`, init);
  if (!response.ok) throw new Error(`admin ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface ExecutionSummary {
  executionArn: string;
  status: string;
  input: string;
  states: string[];
}

/** Executions whose input is the upload event of this key. */
export async function executionsFor(
  key: string,
  stack: Pick<StackInfo, 'url'> = stackInfo(),
): Promise<ExecutionSummary[]> {
  const all = await admin<ExecutionSummary[]>('executions', {}, stack);
  return all.filter((execution) => execution.input.includes(JSON.stringify(key)));
}

export interface SnsMessageSummary {
  Message: string;
  TopicArn: string;
}

export async function snsMessagesAbout(
  id: string,
  stack: Pick<StackInfo, 'url'> = stackInfo(),
): Promise<SnsMessageSummary[]> {
  const all = await admin<SnsMessageSummary[]>('sns/messages', {}, stack);
  return all.filter((message) => message.Message.includes(id));
}

/** The shared stack's edge URL. */
export function stackUrl(): string {
  return stackInfo().url;
}

/** The newest sign-up code the local Cognito delivered to `username` (as an e-mail would). */
export function confirmationCode(
  username: string,
  stack: Pick<StackInfo, 'url'> = stackInfo(),
): Promise<string> {
  return eventually(
    async () => {
      const codes = await admin<{ username: string; destination: string; code: string }[]>(
        'cognito/codes',
        {},
        stack,
      );
      return codes.filter((entry) => entry.username === username || entry.destination === username).at(-1)
        ?.code;
    },
    { what: `a confirmation code for ${username}` },
  );
}
