/**
 * requestUpload answers `TransactionConflict` when another of the caller's requests held their usage
 * items at that moment (contracts/usage.ts): nothing was written, so the request is sent again, as
 * it is, after a jittered pause that grows. A folder dropped at once makes many such requests.
 */
import { transactionConflictErrorType } from '../contracts/usage.ts';
import { DarkroomError } from './errors.ts';

export interface SendAgainOptions {
  /** Sends in all, the first included. */
  attempts: number;
  /** The pause before attempt n is random in [0, baseDelayMs × 2^(n−1)). */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

const defaults: SendAgainOptions = {
  attempts: 6,
  baseDelayMs: 50,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function isTransactionConflict(error: unknown): boolean {
  return error instanceof DarkroomError && error.errorType === transactionConflictErrorType;
}

/** Runs `send` again while it fails with TransactionConflict, at most `attempts` times in all. */
export async function sendAgainOnConflict<T>(
  send: () => Promise<T>,
  options: Partial<SendAgainOptions> = {},
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
