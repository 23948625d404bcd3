/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing (cancellation
 * reason `TransactionConflict`), and the SDK does not retry it. The usage total (contracts/usage.ts)
 * is ONE item per owner that every save and delete of their images writes in a transaction, so a
 * burst of one user's images conflicts on AWS (DynamoDB Local serialises transactions and never
 * does). A conflict wrote nothing: the same transaction is sent again after a short jittered pause,
 * a few times, before the error goes to the caller's own retry (the pipeline's, the client's).
 */
import { type SendAgainOptions, sendAgainWhile, sleepFor } from '../../contracts/send-again.ts';

/** A cancellation caused by a concurrent transaction only, no condition failing. */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return (
    reasons.some((reason) => reason.Code === 'TransactionConflict') &&
    !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
}

const defaults: SendAgainOptions = { attempts: 5, baseDelayMs: 20, sleep: sleepFor };

/** Runs `send` (one TransactWriteItems) again while it fails with a conflict only. */
export function retryTransactionConflicts<T>(
  send: () => Promise<T>,
  options: Partial<SendAgainOptions> = {},
): Promise<T> {
  return sendAgainWhile(send, isTransactionConflict, { ...defaults, ...options });
}
