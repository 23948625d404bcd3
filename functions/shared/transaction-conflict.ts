/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing (cancellation
 * reason `TransactionConflict`), and the SDK does not retry it. The usage total (contracts/usage.ts)
 * is ONE item per owner that every save and delete of their images writes in a transaction, so a
 * burst of one user's images conflicts on AWS (DynamoDB Local serialises transactions and never
 * does). A conflict wrote nothing: the same transaction is sent again after a short jittered pause,
 * a few times, before the error goes to the caller's own retry (the pipeline's, the client's).
 */

/** A cancellation caused by a concurrent transaction only, no condition failing. */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return (
    reasons.some((reason) => reason.Code === 'TransactionConflict') &&
    !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
}

export interface ConflictRetry {
  /** Sends in all, the first included. */
  attempts: number;
  /** The pause before attempt n is random in [0, baseDelayMs × 2^(n−1)) ("full jitter"). */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

const defaults: ConflictRetry = {
  attempts: 5,
  baseDelayMs: 20,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Runs `send` (one TransactWriteItems) again while it fails with a conflict only. */
export async function retryTransactionConflicts<T>(
  send: () => Promise<T>,
  options: Partial<ConflictRetry> = {},
): Promise<T> {
  const { attempts, baseDelayMs, sleep } = { ...defaults, ...options };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= attempts) throw error;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
