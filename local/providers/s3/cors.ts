/** S3's CORS: matching a bucket's rules against a preflight or an actual cross-origin request. */
import { anyOrigin, type CorsRule, uploadBucketCors } from '../../../contracts/bucket-cors.ts';

export type { CorsRule };

/** The images bucket's rule (contracts/bucket-cors.ts), for any origin as the local stack has no domain. */
export const localBucketCors: CorsRule[] = uploadBucketCors(anyOrigin);

/** S3 patterns allow one `*` wildcard; matching is case-insensitive for headers only. */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export function matchRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((allowed) => wildcardMatch(allowed, origin, false)) &&
      (rule.allowedMethods as readonly string[]).includes(method.toUpperCase()) &&
      requestHeaders.every((header) =>
        rule.allowedHeaders.some((allowed) => wildcardMatch(allowed, header, true)),
      ),
  );
}

/** The Access-Control-* headers S3 sends for a matched rule. */
export function corsHeaders(
  rule: CorsRule,
  origin: string,
  preflight?: { requestHeaders: readonly string[] },
): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!rule.allowedOrigins.includes('*')) headers['access-control-allow-credentials'] = 'true';
  if (rule.exposedHeaders.length > 0)
    headers['access-control-expose-headers'] = rule.exposedHeaders.join(', ');
  if (preflight) {
    if (preflight.requestHeaders.length > 0) {
      headers['access-control-allow-headers'] = preflight.requestHeaders.join(', ');
    }
    if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  }
  return headers;
}

export function requestedHeaders(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((header) => header.trim().toLowerCase())
    .filter((header) => header !== '');
}
