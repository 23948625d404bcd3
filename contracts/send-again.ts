/**
 * Sending a request again after a refusal that wrote nothing (a transaction cancelled by a
 * concurrent one, contracts/usage.ts): the same request after a random pause that grows ("full
 * jitter", so a burst of callers spreads out instead of colliding again), a few times, before the
 * refusal goes to the caller. One loop for the functions (functions/shared/transaction-conflict.ts)
 * and the client SDK (client-sdk/send-again.ts), each with its own test of what to send again.
 */

export interface SendAgainOptions {
  /** Sends in all, the first included. */
  attempts: number;
  /** The pause before attempt n is random in [0, baseDelayMs × 2^(n−1)). */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `send` again while it fails with an error `sendAgain` accepts, at most `attempts` times in all. */
export async function sendAgainWhile<T>(
  send: () => Promise<T>,
  sendAgain: (error: unknown) => boolean,
  { attempts, baseDelayMs, sleep }: SendAgainOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!sendAgain(error) || attempt >= attempts) throw error;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
