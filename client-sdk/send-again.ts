/**
 * requestUpload answers `TransactionConflict` when another of the caller's requests held their usage
 * items at that moment (contracts/usage.ts): nothing was written, so the request is sent again, as
 * it is, after a jittered pause that grows. A folder dropped at once makes many such requests.
 */
import { type SendAgainOptions, sendAgainWhile, sleepFor } from '../contracts/send-again.ts';
import { transactionConflictErrorType } from '../contracts/usage.ts';
import { DarkroomError } from './errors.ts';

const defaults: SendAgainOptions = { attempts: 6, baseDelayMs: 50, sleep: sleepFor };

export function isTransactionConflict(error: unknown): boolean {
  return error instanceof DarkroomError && error.errorType === transactionConflictErrorType;
}

/** Runs `send` again while it fails with TransactionConflict, at most `attempts` times in all. */
export function sendAgainOnConflict<T>(
  send: () => Promise<T>,
  options: Partial<SendAgainOptions> = {},
): Promise<T> {
  return sendAgainWhile(send, isTransactionConflict, { ...defaults, ...options });
}
