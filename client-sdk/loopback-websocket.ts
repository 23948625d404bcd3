/**
 * THE one place where `wss://` becomes `ws://`. aws-amplify v6 always dials the AppSync real-time
 * endpoint with `wss://`, even for an `http://` API; the local stack serves plain `ws://` on
 * loopback. This wraps the global WebSocket (browsers, and Node ≥ 22) so that, for loopback hosts
 * only, the scheme is rewritten; every other URL passes through untouched.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `wss://127.0.0.1:4566/graphql/realtime?…` → `ws://127.0.0.1:4566/graphql/realtime?…`; others unchanged. */
export function rewriteLoopbackUrl(url: string | URL): string {
  const parsed = new URL(url);
  if (
    parsed.protocol === 'wss:' &&
    (LOOPBACK_HOSTS.has(parsed.hostname) || parsed.hostname.startsWith('127.'))
  ) {
    parsed.protocol = 'ws:';
  }
  return parsed.toString();
}

const installed = Symbol.for('darkroom.loopbackWebSocket');

/** Installs the rewrite on `globalThis.WebSocket` once; idempotent. */
export function installLoopbackWebSocket(scope: typeof globalThis = globalThis): void {
  const Native = scope.WebSocket as (typeof WebSocket & { [installed]?: true }) | undefined;
  if (!Native || Native[installed]) return;
  class LoopbackWebSocket extends Native {
    static override readonly [installed] = true;
    constructor(url: string | URL, protocols?: string | string[]) {
      super(rewriteLoopbackUrl(url), protocols);
    }
  }
  scope.WebSocket = LoopbackWebSocket;
}
