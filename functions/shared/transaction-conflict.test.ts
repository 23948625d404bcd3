import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isTransactionConflict, retryTransactionConflicts } from './transaction-conflict.ts';

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const noPause = { sleep: async () => undefined };

describe('transaction conflicts', () => {
  it('tells a conflict from a failed condition, which is an answer and never retried', () => {
    expect(isTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransactionConflict(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isTransactionConflict(cancelled('ConditionalCheckFailed', 'None'))).toBe(false);
    expect(isTransactionConflict(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(false);
  });

  it('sends again after a conflict, with a pause that grows, and gives up after the last attempt', async () => {
    const pauses: number[] = [];
    let sends = 0;
    const attempt = retryTransactionConflicts(
      async () => {
        sends += 1;
        throw cancelled('TransactionConflict');
      },
      { attempts: 4, baseDelayMs: 100, sleep: async (ms) => void pauses.push(ms) },
    );
    await expect(attempt).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(sends).toBe(4);
    expect(pauses).toHaveLength(3);
    pauses.forEach((pause, index) => {
      expect(pause).toBeGreaterThanOrEqual(0);
      expect(pause).toBeLessThan(100 * 2 ** index);
    });
  });

  it('returns what the first successful send returns, and rethrows anything else at once', async () => {
    let sends = 0;
    const answer = await retryTransactionConflicts(async () => {
      sends += 1;
      if (sends === 1) throw cancelled('None', 'TransactionConflict');
      return 'saved';
    }, noPause);
    expect(answer).toBe('saved');
    const failed = cancelled('ConditionalCheckFailed');
    await expect(
      retryTransactionConflicts(async () => {
        throw failed;
      }, noPause),
    ).rejects.toBe(failed);
  });
});
