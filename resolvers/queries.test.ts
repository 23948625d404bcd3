// getImage and listImages through their bundles: owner scoping, the status index, pagination
// tokens passed through untouched, malformed tokens, and expired uploads hidden.
import { describe, expect, it } from 'vitest';
import { ownerStatusKey } from '../contracts/image-item.ts';
import type { ImageStatus } from '../generated/schema.ts';
import { cognito, type DataSourceCall, runField } from './test-support/harness.ts';

const now = Date.UTC(2026, 10, 24, 12, 0, 0);
const clock = () => now;
const nowSeconds = Math.floor(now / 1000);

function image(id: string, status: ImageStatus, extra: Record<string, unknown> = {}) {
  return {
    owner: 'alice',
    id,
    fileName: `${id}.jpg`,
    contentType: 'image/jpeg',
    size: 1000,
    status,
    ownerStatus: ownerStatusKey('alice', status),
    thumbnails: [],
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    ...extra,
  };
}

const expiredPending = image('01KEXPIRED0000000000000000', 'PENDING_UPLOAD', {
  expiresAtEpoch: nowSeconds - 1,
});
const freshPending = image('01KFRESH000000000000000000', 'PENDING_UPLOAD', {
  expiresAtEpoch: nowSeconds + 60,
});
const completed = image('01KCOMPLETED00000000000000', 'COMPLETED');

describe('Query.getImage', () => {
  const getImage = (args: Record<string, unknown>, item: unknown, sub = 'alice') =>
    runField(
      'Query',
      'getImage',
      { arguments: args, identity: cognito(sub) },
      () => ({ result: item }),
      clock,
    );

  it('reads the key (caller sub, id), never an owner from the arguments', async () => {
    const { calls, outcome } = await getImage({ id: completed.id, owner: 'bob' }, completed);
    expect(calls).toEqual([
      {
        dataSource: 'images',
        request: { operation: 'GetItem', key: { owner: { S: 'alice' }, id: { S: completed.id } } },
      },
    ]);
    expect(outcome).toMatchObject({ kind: 'value', value: completed });
  });

  it('answers null, without an error, when there is no item', async () => {
    expect((await getImage({ id: 'nope' }, null)).outcome).toMatchObject({ kind: 'value', value: null });
  });

  it('hides a PENDING_UPLOAD item past its expiry, but not one still waiting', async () => {
    expect((await getImage({ id: expiredPending.id }, expiredPending)).outcome).toMatchObject({
      value: null,
    });
    expect((await getImage({ id: freshPending.id }, freshPending)).outcome).toMatchObject({
      value: freshPending,
    });
  });

  it('raises a DynamoDB error', async () => {
    const { outcome } = await runField(
      'Query',
      'getImage',
      { arguments: { id: 'x' }, identity: cognito('alice') },
      () => ({ error: { type: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' } }),
    );
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { message: 'slow down', errorType: 'DynamoDB:ProvisionedThroughputExceededException' },
    });
  });
});

describe('Query.listImages', () => {
  const listImages = (
    args: Record<string, unknown>,
    answer: (call: DataSourceCall) => { result?: unknown; error?: { message: string; type: string } },
  ) => runField('Query', 'listImages', { arguments: args, identity: cognito('alice') }, answer, clock);
  const page =
    (items: unknown[], nextToken: string | null = null) =>
    () => ({
      result: { items, nextToken, scannedCount: items.length },
    });

  it('queries the caller\u2019s partition newest first with the default limit', async () => {
    const { calls, outcome } = await listImages({}, page([completed]));
    expect(calls[0]?.request).toEqual({
      operation: 'Query',
      query: {
        expression: '#owner = :owner',
        expressionNames: { '#owner': 'owner' },
        expressionValues: { ':owner': { S: 'alice' } },
      },
      limit: 20,
      scanIndexForward: false,
    });
    expect(outcome).toMatchObject({ kind: 'value', value: { items: [completed], nextToken: null } });
  });

  it('queries GSI byOwnerStatus with owner#status when a status is given, with no filter', async () => {
    const { calls } = await listImages({ status: 'FLAGGED', limit: 5 }, page([]));
    expect(calls[0]?.request).toEqual({
      operation: 'Query',
      index: 'byOwnerStatus',
      query: {
        expression: '#ownerStatus = :ownerStatus',
        expressionNames: { '#ownerStatus': 'ownerStatus' },
        expressionValues: { ':ownerStatus': { S: 'alice#FLAGGED' } },
      },
      limit: 5,
      scanIndexForward: false,
    });
  });

  it.each([0, 101, -3])('refuses limit %i as a ValidationError naming limit', async (limit) => {
    const { outcome, calls } = await listImages({ limit }, page([]));
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'ValidationError', message: 'limit: must be between 1 and 100' },
    });
    expect(calls).toEqual([]);
  });

  it.each([1, 100])('accepts limit %i', async (limit) => {
    const { calls } = await listImages({ limit }, page([]));
    expect(calls[0]?.request).toMatchObject({ limit });
  });

  it('hands the nextToken back unchanged, and sends it unchanged on the next page', async () => {
    const token = 'eyJvd25lciI6eyJTIjoiYWxpY2UifSwiaWQiOnsiUyI6IjAxSyJ9fQ==';
    const first = await listImages({ limit: 1 }, page([completed], token));
    expect(first.outcome).toMatchObject({ kind: 'value', value: { nextToken: token } });
    const next =
      first.outcome.kind === 'value' ? (first.outcome.value as { nextToken: string }).nextToken : '';

    const second = await listImages({ limit: 1, nextToken: next }, page([freshPending]));
    expect(second.calls[0]?.request).toMatchObject({ nextToken: token, limit: 1 });
    expect(second.outcome).toMatchObject({ value: { items: [freshPending], nextToken: null } });
  });

  it('maps an undecodable nextToken to a ValidationError', async () => {
    const { outcome } = await listImages({ nextToken: 'garbage!!' }, () => ({
      error: { type: 'DynamoDB:DynamoDbException', message: 'Invalid pagination token: garbage!!' },
    }));
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'ValidationError', message: 'nextToken: malformed pagination token' },
    });
  });

  it('passes other DynamoDB errors through with their type', async () => {
    const { outcome } = await listImages({}, () => ({
      error: { type: 'DynamoDB:DynamoDbException', message: 'Invalid pagination token: but none was sent' },
    }));
    expect(outcome).toMatchObject({
      kind: 'error',
      error: {
        errorType: 'DynamoDB:DynamoDbException',
        message: 'Invalid pagination token: but none was sent',
      },
    });
  });

  it('hides expired PENDING_UPLOAD items and keeps the page order and token', async () => {
    const { outcome } = await listImages({}, page([freshPending, expiredPending, completed], 'more'));
    expect(outcome).toMatchObject({
      kind: 'value',
      value: { items: [freshPending, completed], nextToken: 'more' },
    });
  });
});
