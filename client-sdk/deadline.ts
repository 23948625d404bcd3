/** Waits for a promise with a time limit and an AbortSignal, and leaves no timer behind. */
import { AbortedError, TimeoutError } from './errors.ts';

/**
 * `work`, or TimeoutError after `ms` (its message says what was late), or AbortedError when
 * `signal` aborts (also if it already has).
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  late: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Every way out clears the timer: a pending one keeps a Node process (a CLI, a test worker)
    // alive for the whole processing timeout after an abort.
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const timer = setTimeout(
      () => settle(() => reject(new TimeoutError(`${late} within ${Math.round(ms / 1000)} s`))),
      ms,
    );
    const onAbort = () => settle(() => reject(new AbortedError('upload aborted')));
    // An abort during the POST may land after its response: the listener alone would miss it.
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
