/**
 * The local stack's one HTTP port: reads each request's body, then routes it to the admin API,
 * the AppSync provider (`/graphql`, WebSocket `/graphql/realtime`) or, by the SigV4 credential
 * scope's service, to that provider; unsigned Cognito calls and everything else (S3 path-style,
 * presigned POST forms) by their shape.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { queryLimits } from '../contracts/query-limits.ts';
import { BodyBudget, edgeBodyBudgetBytes } from './body-budget.ts';
import type { LocalConfig } from './config.ts';
import { type EdgeRequest, type Provider, sendJson } from './provider.ts';
import { sendAwsError, sendServiceError } from './service-errors.ts';
import { credentialScopeOf, jsonSigV4Error, verifySigV4, wrongRegion } from './sigv4.ts';

/** Where a request goes: a provider's service name, or the admin API. */
export type Route =
  | { kind: 'admin' }
  | { kind: 'provider'; service: string }
  | { kind: 'unknown'; reason: string };

/** The services the edge forwards a signed request to (the SigV4 scope names them). */
export const signedServices = [
  'dynamodb',
  's3',
  'states',
  'events',
  'sns',
  'sqs',
  'lambda',
  'rekognition',
  'cognito-idp',
] as const;

const cognitoTargetPrefix = 'AWSCognitoIdentityProviderService.';
/** Services whose signature the edge checks; S3 checks its own (presigned POST, chunked uploads). */
const edgeVerified = new Set(['dynamodb', 'states', 'events', 'sns', 'sqs', 'lambda', 'rekognition']);
/** Any body the edge reads at all (S3 uploads are the largest: 25 MB plus the form). */
const maxBodyBytes = 64 * 1024 * 1024;
const busyMessage =
  'Please reduce your request rate: the local stack holds as many request bodies as it can.';

/**
 * Request body limits AWS documents per service, checked while reading (the rest is drained, never
 * buffered): the error code is the one that service answers with.
 */
export const serviceBodyLimits = {
  // Lambda: 6 MB invocation payload (synchronous).
  lambda: { bytes: 6 * 1024 * 1024, code: 'RequestTooLargeException' },
  // DynamoDB: a request (BatchWriteItem, TransactWriteItems) is at most 16 MB.
  dynamodb: { bytes: 16 * 1024 * 1024, code: 'RequestEntityTooLarge' },
  appsync: { bytes: queryLimits.maxRequestBytes, code: 'PayloadTooLargeException' },
  admin: { bytes: 1024 * 1024, code: 'RequestEntityTooLarge' },
  // S3: the largest upload (25 MB) and its form, with room; S3's own code for a body too large.
  s3: { bytes: maxBodyBytes, code: 'EntityTooLarge' },
} satisfies Record<string, { bytes: number; code: string }>;

function bodyLimitOf(key: string): { bytes: number; code: string } {
  return (
    (serviceBodyLimits as Record<string, { bytes: number; code: string }>)[key] ?? {
      bytes: maxBodyBytes,
      code: 'RequestEntityTooLarge',
    }
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Decides where a request goes, from its path, headers and credential scope only. */
export function routeOf(req: IncomingMessage, url: URL): Route {
  if (url.pathname === '/_darkroom' || url.pathname.startsWith('/_darkroom/')) return { kind: 'admin' };
  if (url.pathname === '/graphql' || url.pathname.startsWith('/graphql/'))
    return { kind: 'provider', service: 'appsync' };
  const scope = credentialScopeOf({ method: req.method ?? 'GET', url, headers: req.headers });
  // The web client; no bucket of the stack is called "app", so S3 paths never start so.
  if ((url.pathname === '/app' || url.pathname.startsWith('/app/')) && !scope)
    return { kind: 'provider', service: 'web' };
  if (scope) {
    return (signedServices as readonly string[]).includes(scope.service)
      ? { kind: 'provider', service: scope.service }
      : { kind: 'unknown', reason: `The local stack has no service "${scope.service}"` };
  }
  if (header(req, 'x-amz-target')?.startsWith(cognitoTargetPrefix))
    return { kind: 'provider', service: 'cognito-idp' };
  // A user pool's JWKS (`/<region>_<id>/.well-known/jwks.json`): bucket names never hold '_'.
  if (req.method === 'GET' && /^\/[^/]*_[^/]*\/\.well-known\/jwks\.json$/.test(url.pathname))
    return { kind: 'provider', service: 'cognito-idp' };
  if (
    req.method === 'OPTIONS' &&
    url.pathname === '/' &&
    /x-amz-target/i.test(header(req, 'access-control-request-headers') ?? '')
  ) {
    return { kind: 'provider', service: 'cognito-idp' };
  }
  // Presigned POST forms, presigned GETs and anything path-style.
  return { kind: 'provider', service: 's3' };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * Whether a Host header names this machine's loopback: `localhost` (and `*.localhost`, which
 * resolves there by RFC 6761), 127.0.0.0/8 or [::1], with any port. Anything else reached the
 * loopback port under a foreign name, the mark of DNS rebinding.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = (
    host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  ).toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  return /^127(\.\d{1,3}){3}$/.test(name);
}

/** Browsers call /graphql and Cognito cross-origin: answer CORS permissively for those two. */
function permissiveCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('access-control-allow-origin', header(req, 'origin') ?? '*');
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('access-control-expose-headers', 'x-amzn-requestid, x-amzn-errortype, x-amz-date');
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '*',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}

/** A body read whole, or why not: over its request's limit, or over the edge's budget for all bodies. */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'busy' };

/**
 * Reads a request's body up to `limit` bytes, holding its bytes against `budget` while the request
 * lives (released when its response closes). Past either bound the rest is drained, never kept.
 */
export function readBodyWithin(
  req: IncomingMessage,
  res: ServerResponse | undefined,
  limit: number,
  budget?: BodyBudget,
): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let refused: 'too-large' | 'busy' | undefined;
    const release = () => {
      budget?.release(held);
      held = 0;
    };
    res?.once('close', release);
    const refuse = (reason: 'too-large' | 'busy') => {
      refused = reason;
      chunks.length = 0;
      release();
      resolve({ ok: false, reason });
    };
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) return refuse('too-large');
      if (budget && !budget.tryTake(chunk.length)) return refuse('busy');
      held += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', (error) => {
      release();
      reject(error);
    });
  });
}

/** The whole body, or undefined past `limit` bytes (the rest is drained, not kept). */
export async function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer | undefined> {
  const read = await readBodyWithin(req, undefined, limit);
  return read.ok ? read.body : undefined;
}

/** The request's URL, or undefined when its target or Host header is not one (a 400, not a 500). */
function requestUrl(req: IncomingMessage, fallbackHost: string): URL | undefined {
  return URL.parse(req.url ?? '/', `http://${header(req, 'host') ?? fallbackHost}`) ?? undefined;
}

export interface EdgeOptions {
  config: LocalConfig;
  /** The provider answering a service name (`appsync`, `s3`, `dynamodb`, …), if it exists yet. */
  provider: (service: string) => Provider | undefined;
  /** The admin API (loopback only). */
  admin: (request: EdgeRequest) => Promise<void>;
  /** The secret of an access key id (the stack's and its functions'); the root's only unless given. */
  secretFor?: (accessKeyId: string) => string | undefined;
  /** WebSocket upgrades on /graphql/realtime. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  log?: (line: string) => void;
  /** Bytes of request bodies held at once across all requests (BodyBudget); 512 MiB unless given. */
  bodyBudgetBytes?: number;
}

export interface Edge {
  server: http.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts the edge on config.host:config.port (0 = any free port; `port` says which). */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const secretFor =
    options.secretFor ??
    ((accessKeyId: string) =>
      accessKeyId === config.credentials.accessKeyId ? config.credentials.secretAccessKey : undefined);

  const budget = new BodyBudget(options.bodyBudgetBytes ?? edgeBodyBudgetBytes);
  const dispatch = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req, `${config.host}:${config.port}`);
    if (!url) {
      req.resume();
      sendAwsError(res, 400, 'InvalidURI', 'The request target or Host header is not a valid URL.');
      return;
    }
    const route = routeOf(req, url);
    if (route.kind === 'unknown') {
      req.resume();
      sendAwsError(res, 400, 'UnrecognizedClientException', route.reason);
      return;
    }
    const limit = bodyLimitOf(route.kind === 'admin' ? 'admin' : route.service);
    const read = await readBodyWithin(req, res, limit.bytes, budget);
    if (!read.ok && read.reason === 'busy') {
      const service = route.kind === 'provider' ? route.service : 'admin';
      if (service === 'appsync')
        sendJson(res, 503, { errors: [{ errorType: 'ServiceUnavailable', message: busyMessage }] });
      else
        sendServiceError(
          res,
          service,
          503,
          service === 's3' ? 'SlowDown' : 'ServiceUnavailable',
          busyMessage,
        );
      return;
    }
    const body = read.ok ? read.body : undefined;
    if (!body) {
      const message = `Request bodies are limited to ${limit.bytes} bytes.`;
      if (route.kind === 'provider' && route.service === 'appsync')
        sendJson(res, 413, { errors: [{ errorType: limit.code, message }] });
      else if (route.kind === 'provider') sendServiceError(res, route.service, 413, limit.code, message);
      else sendAwsError(res, 413, limit.code, message);
      return;
    }
    const request: EdgeRequest = { req, res, url, body };
    if (route.kind === 'admin') {
      if (!isLoopback(req.socket.remoteAddress)) {
        sendAwsError(res, 403, 'AccessDenied', 'The admin API answers loopback clients only');
        return;
      }
      if (!config.adminAnyHost && !isLoopbackHost(header(req, 'host'))) {
        sendAwsError(
          res,
          403,
          'AccessDenied',
          `The admin API answers requests addressed to a loopback host only, not "${header(req, 'host') ?? ''}" (DARKROOM_ADMIN_ANY_HOST=1 allows others)`,
        );
        return;
      }
      await options.admin(request);
      return;
    }
    const { service } = route;
    if ((service === 'appsync' || service === 'cognito-idp') && permissiveCors(req, res)) return;
    const provider = options.provider(service);
    if (!provider?.handle) {
      sendAwsError(res, 503, 'ServiceUnavailable', `The local ${service} provider is not running`);
      return;
    }
    if (edgeVerified.has(service)) {
      const verdict = verifySigV4(
        { method: req.method ?? 'GET', url, headers: req.headers, body },
        secretFor,
      );
      if (!verdict.ok) {
        const { code, message, status } = jsonSigV4Error(verdict.code, verdict.message);
        sendServiceError(res, service, status, code, message);
        return;
      }
      const region = wrongRegion(verdict.region, config.region);
      if (region) {
        sendServiceError(res, service, region.status, region.code, region.message);
        return;
      }
      request.caller = verdict.accessKeyId;
    }
    await provider.handle(request);
  };

  const server = http.createServer({ keepAlive: true, requestTimeout: 300_000 }, (req, res) => {
    // One request's failure is that request's 500, logged; it never reaches the process.
    dispatch(req, res).catch((error: unknown) => {
      log(
        `[edge] ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      sendAwsError(res, 500, 'InternalFailure', error instanceof Error ? error.message : String(error));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = URL.parse(req.url ?? '/', 'http://edge');
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    if (options.upgrade && (url.pathname === '/graphql/realtime' || url.pathname === '/graphql')) {
      try {
        options.upgrade(req, socket, head);
      } catch (error) {
        log(`[edge] upgrade ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      }
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${config.port} on ${config.host} is in use: stop what runs there or set DARKROOM_PORT`,
            )
          : error,
      ),
    );
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  // Clients of a wildcard bind still dial loopback.
  const bound = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const host = bound.includes(':') ? `[${bound}]` : bound;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
