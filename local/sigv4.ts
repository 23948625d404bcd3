/**
 * AWS Signature Version 4 verification, shared by every local provider: header auth
 * (`Authorization: AWS4-HMAC-SHA256 …`) and query auth (presigned URLs), with S3's rules.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** The request URL as received; its pathname and search are used as sent (still percent-encoded). */
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

export type SigV4Result =
  | {
      ok: true;
      accessKeyId: string;
      service: string;
      region: string;
      signedHeaders: string[];
      presigned: boolean;
    }
  | { ok: false; code: string; message: string };

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const algorithm = 'AWS4-HMAC-SHA256';
export const unsignedPayload = 'UNSIGNED-PAYLOAD';
const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** S3 refuses requests whose time is further than this from its own clock. */
const maxClockSkewMs = 15 * 60 * 1000;
const maxPresignSeconds = 7 * 24 * 60 * 60;

/** The HTTP status AWS answers with for each code `verifySigV4` returns. */
export function sigV4ErrorStatus(code: string): number {
  const badRequest = [
    'AuthorizationQueryParametersError',
    'AuthorizationHeaderMalformed',
    'XAmzContentSHA256Mismatch',
  ];
  return badRequest.includes(code) ? 400 : 403;
}

/**
 * The same failures as the JSON-protocol services (Cognito, DynamoDB, Step Functions, …) name
 * them: they never use S3's codes. Statuses as AWS's common-errors table (services differ: DynamoDB
 * answers 400; the SDKs read the code, not the status).
 */
export function jsonSigV4Error(
  code: string,
  message: string,
): { code: string; message: string; status: number } {
  switch (code) {
    case 'MissingAuthenticationToken':
      return {
        code: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
        status: 403,
      };
    case 'InvalidAccessKeyId':
      return {
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
        status: 403,
      };
    case 'RequestTimeTooSkewed':
      return { code: 'InvalidSignatureException', message: `Signature expired: ${message}`, status: 403 };
    case 'AuthorizationHeaderMalformed':
    case 'AuthorizationQueryParametersError':
      return { code: 'IncompleteSignatureException', message, status: 400 };
    case 'AccessDenied':
      return { code: 'AccessDeniedException', message, status: 403 };
    default:
      return { code: 'InvalidSignatureException', message, status: 403 };
  }
}

/**
 * AWS's refusal of a signature whose credential scope names another region than the endpoint's
 * (the JSON and query services; S3 answers AuthorizationHeaderMalformed instead). Without it a
 * client configured for the wrong region works locally and fails in the cloud. Undefined when the
 * regions agree.
 */
export function wrongRegion(
  signedFor: string,
  endpointRegion: string,
): { code: string; message: string; status: number } | undefined {
  if (signedFor === endpointRegion) return undefined;
  return {
    code: 'InvalidSignatureException',
    message: `Credential should be scoped to a valid region, not '${signedFor}'. `,
    status: 403,
  };
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** Query parameters decoded as SigV4 sees them: `+` is a literal plus, never a space. */
export function rawQueryParams(url: URL): Array<[string, string]> {
  const search = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  if (search === '') return [];
  return search
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [safeDecode(name), safeDecode(value)];
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function queryParam(params: Array<[string, string]>, name: string): string | undefined {
  return params.find(([key]) => key === name)?.[1];
}

interface AuthorizationHeader {
  credential: string;
  signedHeaders: string;
  signature: string;
}

function parseAuthorizationHeader(value: string): AuthorizationHeader | undefined {
  if (!value.startsWith(`${algorithm} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(algorithm.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return undefined;
  return { credential, signedHeaders, signature };
}

function parseCredential(credential: string): CredentialScope | undefined {
  // The access key id may not contain '/', so the last four parts are always the scope.
  const parts = credential.split('/');
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') return undefined;
  const [date, region, service] = parts.slice(-4);
  const accessKeyId = parts.slice(0, -4).join('/');
  if (!accessKeyId || !date || !region || !service || !/^\d{8}$/.test(date)) return undefined;
  return { accessKeyId, date, region, service };
}

/** The credential scope of a signed request (header or query auth), without checking the signature. */
export function credentialScopeOf(req: SignedRequest): CredentialScope | undefined {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization !== undefined) {
    const parsed = parseAuthorizationHeader(authorization);
    return parsed ? parseCredential(parsed.credential) : undefined;
  }
  const credential = queryParam(rawQueryParams(req.url), 'X-Amz-Credential');
  return credential === undefined ? undefined : parseCredential(credential);
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalPath(rawPath: string, service: string): string {
  // S3 signs the path as sent; every other service signs the normalised path encoded once more.
  if (service === 's3') return rawPath === '' ? '/' : rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  const normalised = `/${segments.join('/')}${trailing}`;
  return escapeUri(normalised).replace(/%2F/g, '/');
}

function canonicalQuery(params: Array<[string, string]>): string {
  return params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${escapeUri(name)}=${escapeUri(value)}`)
    .sort()
    .join('&');
}

function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Derived signing keys by secret and scope. A key serves every request of its day, region and
 * service (the SDK's signer caches its own the same way); deriving it is four HMACs, which were
 * the edge's largest crypto cost per request (docs/pipeline-cpu.md). Bounded: cleared when full.
 */
const signingKeys = new Map<string, Buffer>();
const signingKeysMax = 512;

/** The SigV4 signing key for a scope: an HMAC chain over date, region, service. */
export function signingKey(
  secret: string,
  scope: Pick<CredentialScope, 'date' | 'region' | 'service'>,
): Buffer {
  // Length-prefixed parts: no two scopes share an id, whatever characters a request puts in them.
  const id = [scope.date, scope.region, scope.service, secret]
    .map((part) => `${part.length}:${part}`)
    .join('');
  const cached = signingKeys.get(id);
  if (cached) return cached;
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(scope.date).digest();
  for (const part of [scope.region, scope.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  if (signingKeys.size >= signingKeysMax) signingKeys.clear();
  signingKeys.set(id, key);
  return key;
}

/** Hex HMAC-SHA256 of a string with a signing key (also how a POST policy is signed). */
export function signString(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** Compares two hex signatures in constant time. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses `20261124T004316Z`. */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function fail(code: string, message: string): SigV4Result {
  return { ok: false, code, message };
}

const mismatch = fail(
  'SignatureDoesNotMatch',
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
);

interface Parsed {
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  presigned: boolean;
}

function parseHeaderAuth(req: SignedRequest, authorization: string, now: Date): Parsed | SigV4Result {
  const parsed = parseAuthorizationHeader(authorization);
  if (!parsed) {
    return fail(
      'AuthorizationHeaderMalformed',
      'The authorization header is malformed; it must be AWS4-HMAC-SHA256.',
    );
  }
  const scope = parseCredential(parsed.credential);
  if (!scope) {
    return fail(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; bad Credential "${parsed.credential}".`,
    );
  }
  const amzDate = headerValue(req.headers, 'x-amz-date') ?? '';
  const date = parseAmzDate(amzDate) ?? dateHeader(req);
  if (!date) {
    return fail('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  if (Math.abs(now.getTime() - date.getTime()) > maxClockSkewMs) {
    return fail(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  }
  const bodyHash = () => sha256Hex(req.body ?? Buffer.alloc(0));
  const declared = headerValue(req.headers, 'x-amz-content-sha256');
  return {
    scope,
    signedHeaders: parsed.signedHeaders.split(';'),
    signature: parsed.signature,
    amzDate: amzDate || isoBasic(date),
    payloadHash: declared ?? bodyHash(),
    presigned: false,
  };
}

function dateHeader(req: SignedRequest): Date | undefined {
  const value = headerValue(req.headers, 'date');
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isoBasic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseQueryAuth(
  req: SignedRequest,
  params: Array<[string, string]>,
  now: Date,
): Parsed | SigV4Result {
  const queryError = (message: string) => fail('AuthorizationQueryParametersError', message);
  if (queryParam(params, 'X-Amz-Algorithm') !== algorithm) {
    return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credential = queryParam(params, 'X-Amz-Credential');
  const amzDate = queryParam(params, 'X-Amz-Date');
  const expires = queryParam(params, 'X-Amz-Expires');
  const signedHeaders = queryParam(params, 'X-Amz-SignedHeaders');
  const signature = queryParam(params, 'X-Amz-Signature');
  if (!credential || !amzDate || !expires || !signedHeaders || !signature) {
    return queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const scope = parseCredential(credential);
  if (!scope)
    return queryError(`Error parsing the X-Amz-Credential parameter; "${credential}" is malformed.`);
  const date = parseAmzDate(amzDate);
  if (!date) return queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const seconds = Number(expires);
  if (!Number.isInteger(seconds) || seconds < 0) {
    return queryError('X-Amz-Expires should be a number');
  }
  if (seconds > maxPresignSeconds) {
    return queryError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  if (date.getTime() - now.getTime() > maxClockSkewMs) {
    return fail('AccessDenied', 'Request is not valid yet');
  }
  if (now.getTime() > date.getTime() + seconds * 1000) {
    return fail('AccessDenied', 'Request has expired');
  }
  const declared =
    queryParam(params, 'X-Amz-Content-Sha256') ?? headerValue(req.headers, 'x-amz-content-sha256');
  const payloadHash =
    declared ??
    (scope.service === 's3' ? unsignedPayload : req.body?.length ? sha256Hex(req.body) : emptySha256);
  return { scope, signedHeaders: signedHeaders.split(';'), signature, amzDate, payloadHash, presigned: true };
}

/**
 * Verifies a SigV4-signed request against the secret of its access key. The payload hash is the
 * client's `x-amz-content-sha256` when sent (and then checked against `body` when one is given,
 * unless it is UNSIGNED-PAYLOAD or STREAMING-…), else the body's own hash; presigned S3 URLs sign
 * `UNSIGNED-PAYLOAD`. Codes as AWS names them; `sigV4ErrorStatus` gives the HTTP status.
 */
export function verifySigV4(
  req: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): SigV4Result {
  const params = rawQueryParams(req.url);
  const authorization = headerValue(req.headers, 'authorization');
  let parsed: Parsed | SigV4Result;
  if (authorization !== undefined) {
    parsed = parseHeaderAuth(req, authorization, now);
  } else if (
    queryParam(params, 'X-Amz-Algorithm') !== undefined ||
    queryParam(params, 'X-Amz-Signature') !== undefined
  ) {
    parsed = parseQueryAuth(req, params, now);
  } else {
    return fail('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  if ('ok' in parsed) return parsed;

  const { scope, signedHeaders, signature, amzDate, payloadHash, presigned } = parsed;
  if (amzDate.slice(0, 8) !== scope.date) return mismatch;
  const secret = secretFor(scope.accessKeyId);
  if (secret === undefined) {
    return fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }

  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(headerValue(req.headers, name) ?? '')}\n`)
    .join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.url.pathname, scope.service),
    canonicalQuery(params),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [algorithm, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const expected = signString(signingKey(secret, scope), stringToSign);
  if (!signaturesEqual(expected, signature)) return mismatch;
  if (
    /^[0-9a-f]{64}$/i.test(payloadHash) &&
    req.body !== undefined &&
    sha256Hex(req.body) !== payloadHash.toLowerCase()
  ) {
    // The signature covers the declared hash, so the body itself must still be checked against it.
    return scope.service === 's3'
      ? fail(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
      : mismatch;
  }

  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    service: scope.service,
    region: scope.region,
    signedHeaders,
    presigned,
  };
}
