import http from 'node:http';
import net from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type Edge, isLoopback, isLoopbackHost, serviceBodyLimits, startEdge } from './edge.ts';
import type { EdgeRequest, Provider } from './provider.ts';

const config = loadConfig({}, { port: 0, dataDir: '/tmp/unused' });

/** A provider that records what reached it and answers with `answer`. */
function recorder(name: string, answer: (request: EdgeRequest) => void = ({ res }) => res.end('{}')) {
  const seen: string[] = [];
  const provider: Provider = {
    name,
    start: async () => {},
    stop: async () => {},
    reset: async () => {},
    health: () => ({ ready: true }),
    handle: async (request) => {
      seen.push(`${request.req.method} ${request.url.pathname} ${request.body.length}`);
      answer(request);
    },
  };
  return { provider, seen };
}

let edge: Edge | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

/** Sends raw bytes and returns the status line of the answer (or '' when the socket just closes). */
function rawRequest(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });
}

async function edgeWith(
  providers: Provider[],
  admin = async ({ res }: EdgeRequest) => void res.end('admin'),
) {
  const byName = new Map(providers.map((p) => [p.name, p]));
  edge = await startEdge({ config, provider: (service) => byName.get(service), admin, log: () => {} });
  return edge;
}

describe('the edge', () => {
  it('routes a SigV4-signed SDK call by its credential scope, after checking the signature', async () => {
    const dynamodb = recorder('dynamodb', ({ res }) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ TableNames: ['Images'] }));
    });
    const { url } = await edgeWith([dynamodb.provider]);
    const client = new DynamoDBClient({
      endpoint: url,
      region: config.region,
      credentials: config.credentials,
    });
    await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: ['Images'] });
    expect(dynamodb.seen).toEqual(['POST / 2']);

    const forged = new DynamoDBClient({
      endpoint: url,
      region: config.region,
      credentials: { accessKeyId: config.credentials.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await expect(forged.send(new ListTablesCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    expect(dynamodb.seen).toHaveLength(1);
  });

  it('sends unsigned Cognito calls to cognito-idp and answers their CORS preflight itself', async () => {
    const cognito = recorder('cognito-idp');
    const { url } = await edgeWith([cognito.provider]);
    const call = await fetch(url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        origin: 'http://localhost:5173',
      },
      body: '{}',
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target');
    expect(cognito.seen).toEqual(['POST / 2']);
  });

  it('sends a user pool’s JWKS to cognito-idp and a bucket’s .well-known object to s3', async () => {
    const cognito = recorder('cognito-idp');
    const s3 = recorder('s3');
    const { url } = await edgeWith([cognito.provider, s3.provider]);
    await fetch(`${url}/us-east-1_abc123/.well-known/jwks.json`);
    await fetch(`${url}/bucket/.well-known/jwks.json`);
    expect(cognito.seen).toEqual(['GET /us-east-1_abc123/.well-known/jwks.json 0']);
    expect(s3.seen).toEqual(['GET /bucket/.well-known/jwks.json 0']);
  });

  it('sends path-style requests and multipart POST forms to s3', async () => {
    const s3 = recorder('s3');
    const { url } = await edgeWith([s3.provider]);
    await fetch(`${url}/darkroom-images-local/uploads/a/b/original`);
    const form = new FormData();
    form.append('key', 'uploads/a/b/original');
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]));
    await fetch(`${url}/darkroom-images-local`, { method: 'POST', body: form });
    expect(s3.seen[0]).toBe('GET /darkroom-images-local/uploads/a/b/original 0');
    expect(s3.seen[1]).toMatch(/^POST \/darkroom-images-local \d+$/);
  });

  it('answers /graphql preflights and sends /graphql to appsync', async () => {
    const appsync = recorder('appsync');
    const { url } = await edgeWith([appsync.provider]);
    const preflight = await fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://x' } });
    expect(preflight.status).toBe(204);
    expect((await fetch(`${url}/graphql`, { method: 'POST', body: '{"query":"{a}"}' })).status).toBe(200);
    expect(appsync.seen).toEqual(['POST /graphql 15']);
  });

  it('keeps serving after a provider throws, answering that request with a JSON 500', async () => {
    const s3 = recorder('s3', () => {
      throw new Error('boom');
    });
    const { url } = await edgeWith([s3.provider]);
    const failed = await fetch(`${url}/bucket/key`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ __type: 'InternalFailure', message: 'boom' });
    expect((await fetch(`${url}/_darkroom/health`)).status).toBe(200);
  });

  it('answers an unknown signed service and a missing provider with AWS-style JSON errors', async () => {
    const { url } = await edgeWith([]);
    const unknown = await fetch(url, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=darkroom-local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00',
      },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnrecognizedClientException' });
    const missing = await fetch(`${url}/bucket`);
    expect(missing.status).toBe(503);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ServiceUnavailable');
  });

  it('answers request targets and Host headers that are not URLs with 400, and keeps serving', async () => {
    const upgrade = (target: string) =>
      `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const { url } = await edgeWith([recorder('s3').provider]);

    expect(await rawRequest(url, upgrade('//[::1'))).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest(url, 'GET /bucket HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1.1 400/,
    );
    expect((await fetch(`${url}/_darkroom/health`)).status).toBe(200);
  });

  it('refuses a body over the service’s documented limit before the provider sees it', async () => {
    const lambda = recorder('lambda');
    const { url } = await edgeWith([lambda.provider]);
    const scoped = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=darkroom-local/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00',
    };

    const tooLarge = await fetch(`${url}/2015-03-31/functions/f/invocations`, {
      method: 'POST',
      headers: scoped,
      body: Buffer.alloc(serviceBodyLimits.lambda.bytes + 1, 'a'),
    });

    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    expect(lambda.seen).toEqual([]);
  });

  it('lets only loopback peers reach the admin API', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.2')).toBe(false);
    expect(isLoopback('::ffff:192.168.1.4')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });

  it('refuses an admin request addressed to a non-loopback Host (DNS rebinding) unless allowed', async () => {
    const { port } = await edgeWith([]);
    const askAs = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: '/_darkroom/health', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await askAs(`127.0.0.1:${port}`)).toBe(200);
    expect(await askAs(`localhost:${port}`)).toBe(200);
    expect(await askAs('rebound.attacker.example')).toBe(403);
    expect(await askAs(`192.168.1.4:${port}`)).toBe(403);
    await edge?.close();
    edge = await startEdge({
      config: { ...config, adminAnyHost: true },
      provider: () => undefined,
      admin: async ({ res }) => void res.end('admin'),
      log: () => {},
    });
    const allowed = edge.port;
    const status = await new Promise<number>((resolve) =>
      http
        .request(
          { host: '127.0.0.1', port: allowed, path: '/_darkroom/health', headers: { host: 'box.lan' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .end(),
    );
    expect(status).toBe(200);
  });

  it('tells loopback Host names from others', () => {
    expect(isLoopbackHost('localhost:4566')).toBe(true);
    expect(isLoopbackHost('app.localhost')).toBe(true);
    expect(isLoopbackHost('127.0.0.1:80')).toBe(true);
    expect(isLoopbackHost('[::1]:4566')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.attacker.example')).toBe(false);
    expect(isLoopbackHost('localhost.attacker.example')).toBe(false);
    expect(isLoopbackHost(undefined)).toBe(false);
  });
});

describe('the edge’s budget for request bodies held at once', () => {
  it('refuses a body that would pass it with a retryable 503 in S3’s shape, and serves again once bodies are let go', async () => {
    let finish: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const s3 = recorder('s3', ({ res }) => {
      void held.then(() => res.end('stored'));
    });
    const byName = new Map([[s3.provider.name, s3.provider]]);
    edge = await startEdge({
      config,
      provider: (service) => byName.get(service),
      admin: async ({ res }) => void res.end('admin'),
      log: () => {},
      bodyBudgetBytes: 1000,
    });
    const put = (bytes: number) =>
      fetch(`${edge?.url}/bucket/key`, { method: 'PUT', body: Buffer.alloc(bytes, 1) });

    // The first body stays held while its provider has not answered.
    const first = put(600);
    await expect.poll(() => s3.seen.length).toBe(1);
    const second = await put(600);
    expect(second.status).toBe(503);
    expect(await second.text()).toContain('<Code>SlowDown</Code>');
    expect(s3.seen).toHaveLength(1);

    finish();
    expect(await (await first).text()).toBe('stored');
    const third = await put(600);
    expect(third.status).toBe(200);
    expect(s3.seen).toHaveLength(2);
  });
});
