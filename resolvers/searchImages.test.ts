// Query.searchImages through its bundled pipeline: which key it queries for each filter, the
// caller-keyed read of a label page, filtering after the read, and bad filters.
import { describe, expect, it } from 'vitest';
import { ownerStatusKey } from '../contracts/image-item.ts';
import { ulidRange } from '../contracts/label-index.ts';
import type { ImageStatus } from '../generated/schema.ts';
import { cognito, type DataSourceCall, runField } from './test-support/harness.ts';

const now = Date.UTC(2026, 10, 24, 12, 0, 0);
const clock = () => now;

function image(id: string, status: ImageStatus, createdAt: string, faceCount = 0) {
  return {
    owner: 'alice',
    id,
    fileName: `${id}.jpg`,
    contentType: 'image/jpeg',
    size: 1000,
    status,
    ownerStatus: ownerStatusKey('alice', status),
    thumbnails: [],
    analysis: { labels: [], faceCount, faces: [], moderationLabels: [], isSafe: true },
    createdAt,
    updatedAt: createdAt,
  };
}

const newer = image('01KNEWER000000000000000000', 'COMPLETED', '2026-11-24T11:00:00.000Z', 2);
const older = image('01KOLDER000000000000000000', 'FLAGGED', '2026-11-23T11:00:00.000Z');

function search(args: Record<string, unknown>, answer: (call: DataSourceCall) => unknown) {
  return runField(
    'Query',
    'searchImages',
    { arguments: args, identity: cognito('alice') },
    (call) => ({ result: answer(call) }),
    clock,
  );
}

type Request = Record<string, unknown> & { operation: string };

describe('Query.searchImages', () => {
  it("queries the caller's label partition newest first, then reads those images under the caller's key", async () => {
    const { calls, outcome } = await search({ filter: { label: ' Animal ' }, limit: 2 }, (call) => {
      const request = call.request as Request;
      if (request.operation === 'Query')
        return {
          items: [
            { owner: 'alice#label#animal', id: newer.id },
            { owner: 'x', id: older.id },
          ],
          nextToken: 'next',
        };
      return { data: { Images: [newer, null] }, unprocessedKeys: { Images: [] } };
    });
    expect(calls[0]?.request).toMatchObject({
      operation: 'Query',
      query: { expressionValues: { ':owner': { S: 'alice#label#animal' } } },
      limit: 2,
      scanIndexForward: false,
    });
    expect(calls[1]?.request).toEqual({
      operation: 'BatchGetItem',
      tables: {
        Images: {
          keys: [
            { owner: { S: 'alice' }, id: { S: newer.id } },
            { owner: { S: 'alice' }, id: { S: older.id } },
          ],
        },
      },
    });
    // The image deleted meanwhile (null) is dropped; the token is the label page's.
    expect(outcome).toMatchObject({ kind: 'value', value: { items: [newer], nextToken: 'next' } });
  });

  it('reads a status from GSI byOwnerStatus and a date range as an id key range, one second wider', async () => {
    const from = '2026-11-23T00:00:00.000Z';
    const to = '2026-11-24T00:00:00.000Z';
    const { calls } = await search({ filter: { status: 'FLAGGED', from, to } }, () => ({ items: [] }));
    const range = ulidRange(Date.parse(from) - 1000, Date.parse(to) + 1000);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.request).toMatchObject({
      operation: 'Query',
      index: 'byOwnerStatus',
      query: {
        expressionValues: {
          ':ownerStatus': { S: 'alice#FLAGGED' },
          ':id_between_0': { S: range.from },
          ':id_between_1': { S: range.to },
        },
      },
    });
  });

  it("keeps only what every filter field matches, from the caller's own partition", async () => {
    const { calls, outcome } = await search(
      { filter: { hasFaces: true, to: '2026-11-24T11:00:00.000Z' } },
      () => ({ items: [newer, older], nextToken: null }),
    );
    expect(calls[0]?.request).toMatchObject({ query: { expressionValues: { ':owner': { S: 'alice' } } } });
    expect(outcome).toMatchObject({ kind: 'value', value: { items: [newer], nextToken: null } });
    const none = await search({ filter: { hasFaces: false, to: '2026-11-24T10:59:59.999Z' } }, () => ({
      items: [newer],
    }));
    expect(none.outcome).toMatchObject({ kind: 'value', value: { items: [] } });
  });

  it.each([
    [{ filter: { label: '' } }, 'filter.label'],
    [{ filter: { from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' } }, 'filter.from'],
    [{ filter: {}, limit: 101 }, 'limit'],
  ])('refuses %j as a ValidationError naming %s, before any read', async (args, field) => {
    const { calls, outcome } = await search(args, () => null);
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'ValidationError' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain(field);
    expect(calls.filter((c) => c.dataSource !== 'none')).toEqual([]);
  });

  it('answers a malformed token as a ValidationError', async () => {
    const { outcome } = await runField(
      'Query',
      'searchImages',
      { arguments: { filter: { label: 'cat' }, nextToken: 'garbage' }, identity: cognito('alice') },
      () => ({ error: { type: 'DynamoDB:DynamoDbException', message: 'Invalid pagination token: garbage' } }),
      clock,
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'ValidationError' } });
  });
});
