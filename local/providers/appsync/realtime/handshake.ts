/**
 * Reads the auth headers of an AppSync real-time connection: from the `header-<base64url>`
 * subprotocol (aws-amplify ≥ 6.6) or the `header` query parameter (older clients, AWS docs),
 * accepting both base64 alphabets.
 */

export type AuthHeaders = Record<string, string>;

function decodeBase64Json(encoded: string): AuthHeaders | undefined {
  const normal = encoded.replaceAll('-', '+').replaceAll('_', '/');
  const padded = normal + '='.repeat((4 - (normal.length % 4)) % 4);
  try {
    const parsed: unknown = JSON.parse(Buffer.from(padded, 'base64').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch {
    return undefined;
  }
}

/** The subprotocols the client offered, from `Sec-WebSocket-Protocol`. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}

export function connectionAuthHeaders(protocols: string[], url: URL): AuthHeaders | undefined {
  const carried = protocols.find((protocol) => protocol.startsWith('header-'));
  if (carried) return decodeBase64Json(carried.slice('header-'.length));
  const query = url.searchParams.get('header');
  return query ? decodeBase64Json(query) : undefined;
}
