/**
 * Bounded waits for start-up: an HTTP readiness probe that gives up after its own timeout (a
 * request that is accepted and never answered would otherwise hold a wait forever), and a poll
 * loop with a deadline whose error names the part that did not come up.
 */
import http from 'node:http';

export interface HttpProbe {
  host?: string;
  port: number;
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
  /** How long one attempt may take, connection to last byte of the headers. */
  timeoutMs: number;
}

/** True when anything answers with an HTTP status within the timeout; false otherwise, never a throw. */
export function answersHttp(probe: HttpProbe): Promise<boolean> {
  return new Promise((resolve) => {
    // A fresh connection each time (no agent): a wedged pooled socket must not answer for the server.
    const request = http.request(
      {
        host: probe.host ?? '127.0.0.1',
        port: probe.port,
        method: probe.method ?? 'GET',
        path: probe.path ?? '/',
        headers: probe.headers,
        agent: false,
      },
      (response) => {
        response.resume();
        clearTimeout(timer);
        resolve(response.statusCode !== undefined);
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      resolve(false);
    }, probe.timeoutMs);
    request.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    request.end(probe.body);
  });
}

export interface ReadyWait {
  /** The part waited for, as the error should name it. */
  what: string;
  probe: () => Promise<boolean>;
  /** A reason the part can no longer come up (it exited, …): the wait ends at once. */
  failed?: () => string | undefined;
  deadlineMs: number;
  intervalMs?: number;
}

/** Resolves once `probe` says yes; rejects naming the part when it fails or the deadline passes. */
export async function waitUntilReady(wait: ReadyWait): Promise<void> {
  const deadline = Date.now() + wait.deadlineMs;
  for (;;) {
    const failure = wait.failed?.();
    if (failure) throw new Error(`${wait.what} did not come up: ${failure}`);
    if (await wait.probe()) return;
    if (Date.now() >= deadline)
      throw new Error(`${wait.what} did not answer within ${wait.deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, wait.intervalMs ?? 100));
  }
}

/** `work`, or an error naming `what` once `deadlineMs` passes (the work is not cancelled). */
export async function withinDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not come up within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
