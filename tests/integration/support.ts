/**
 * Helpers for integration tests against the shared local stack: SDK clients pointed at it, the
 * upload flow's building blocks (PENDING item, ticket from the create-upload function, the POST),
 * polling with a bounded deadline, and the admin API.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { limits, names } from '../../contracts/names.ts';
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

/** A fresh owner per test keeps tests independent on the shared table. */
export const newOwner = () => `test-${ulid().toLowerCase()}`;

export interface PendingImage {
  owner: string;
  id: string;
  contentType: string;
  size: number;
}

/** The PENDING_UPLOAD item exactly as `requestUpload`'s createItem function writes it. */
export async function putPendingImage(clients: StackClients, image: PendingImage, fileName = 'photo.jpg') {
  const now = new Date();
  await clients.documents.send(
    new PutCommand({
      TableName: names.table,
      Item: {
        owner: image.owner,
        id: image.id,
        fileName,
        contentType: image.contentType,
        size: image.size,
        status: 'PENDING_UPLOAD',
        ownerStatus: `${image.owner}#PENDING_UPLOAD`,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        expiresAtEpoch: Math.floor(now.getTime() / 1000) + limits.pendingUploadTtlSeconds,
        thumbnails: [],
      },
    }),
  );
}

export interface UploadTicket {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** The upload ticket from the create-upload function, invoked through the Lambda API as AppSync would. */
export async function requestTicket(clients: StackClients, image: PendingImage): Promise<UploadTicket> {
  const result = await clients.lambda.send(
    new InvokeCommand({ FunctionName: names.functions.createUpload, Payload: JSON.stringify(image) }),
  );
  const payload = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8')) as unknown;
  if (result.FunctionError) throw new Error(`create-upload failed: ${JSON.stringify(payload)}`);
  return payload as UploadTicket;
}

/** The browser's POST: the ticket's fields, then the file (S3 wants `file` last). */
export async function postUpload(ticket: UploadTicket, file: Buffer, contentType: string): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)], { type: contentType }), 'photo');
  return fetch(ticket.url, { method: 'POST', body: form });
}

/** The whole upload flow for a JPEG: PENDING item (a fresh owner unless given), ticket, POST. */
export async function uploadJpeg(
  clients: StackClients,
  jpeg: Buffer,
  owner = newOwner(),
): Promise<{ image: PendingImage; response: Response }> {
  const image = { owner, id: ulid(), contentType: 'image/jpeg', size: jpeg.length };
  await putPendingImage(clients, image);
  const response = await postUpload(await requestTicket(clients, image), jpeg, 'image/jpeg');
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
