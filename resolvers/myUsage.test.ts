// Query.myUsage through its bundle: one Query of the caller's usage partition, today's count only,
// missing items as zero, the quotas from contracts/usage.ts.
import { describe, expect, it } from 'vitest';
import { quotas } from '../contracts/usage.ts';
import { cognito, runField } from './test-support/harness.ts';

const now = Date.UTC(2026, 10, 24, 23, 59, 59);
const clock = () => now;

function myUsage(items: unknown[], sub = 'alice') {
  return runField(
    'Query',
    'myUsage',
    { arguments: {}, identity: cognito(sub) },
    () => ({ result: { items, nextToken: null } }),
    clock,
  );
}

describe('Query.myUsage', () => {
  it("queries the caller's own usage partition, consistently", async () => {
    const { calls } = await myUsage([], 'bob');
    expect(calls).toEqual([
      {
        dataSource: 'images',
        request: {
          operation: 'Query',
          query: {
            expression: '#owner = :owner',
            expressionNames: { '#owner': 'owner' },
            expressionValues: { ':owner': { S: 'usage#bob' } },
          },
          consistentRead: true,
        },
      },
    ]);
  });

  it("counts today's tickets (not yesterday's) and the stored bytes, with the quotas", async () => {
    const { outcome } = await myUsage([
      { owner: 'usage#alice', id: 'day#2026-11-23', images: 50 },
      { owner: 'usage#alice', id: 'day#2026-11-24', images: 7 },
      { owner: 'usage#alice', id: 'total', bytesStored: 6_000_000_000 },
    ]);
    expect(outcome).toMatchObject({
      kind: 'value',
      value: {
        imagesToday: 7,
        imagesPerDay: quotas.imagesPerDay,
        bytesStored: 6_000_000_000,
        bytesLimit: quotas.bytesLimit,
      },
    });
  });

  it('answers zeros for a user who never uploaded', async () => {
    const { outcome } = await myUsage([]);
    expect(outcome).toMatchObject({ kind: 'value', value: { imagesToday: 0, bytesStored: 0 } });
  });

  it('refuses a caller without a Cognito sub', async () => {
    const { outcome, calls } = await runField(
      'Query',
      'myUsage',
      { arguments: {}, identity: null },
      () => ({ result: null }),
      clock,
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
    expect(calls).toEqual([]);
  });
});
