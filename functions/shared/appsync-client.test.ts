import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { type AppSyncClientOptions, createAppSyncClient } from './appsync-client.ts';

const url = 'https://example1234.appsync-api.us-east-1.amazonaws.com/graphql';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'session-token' };
const query =
  'mutation P($owner: ID!, $id: ID!) { publishImageProcessed(owner: $owner, id: $id) { id status } }';
const variables = { owner: 'owner-1', id: 'image-1' };

interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

type Post = NonNullable<AppSyncClientOptions['post']>;
type Answer = Awaited<ReturnType<Post>>;

/** A transport that answers from a script of answers (or throws) and records what it was sent. */
function aScriptedPost(script: Array<Answer | Error>) {
  const sent: SentRequest[] = [];
  const post: Post = async (request) => {
    sent.push({ url: request.url.href, method: 'POST', headers: { ...request.headers }, body: request.body });
    const next = script.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  };
  return { post, sent };
}

function json(status: number, body: unknown): Answer {
  return { status, text: JSON.stringify(body) };
}

function aClient(post: Post, delays: number[] = [], overrides: Partial<AppSyncClientOptions> = {}) {
  return createAppSyncClient({
    url,
    region: 'us-east-1',
    credentials,
    post,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

const ok = () => json(200, { data: { publishImageProcessed: { id: 'image-1', status: 'COMPLETED' } } });

describe('createAppSyncClient', () => {
  it('POSTs the operation signed with SigV4 for service appsync', async () => {
    // Prepare
    const { post, sent } = aScriptedPost([ok()]);

    // Act
    const data = await aClient(post).request(query, variables);

    // Assess
    expect(data).toEqual({ publishImageProcessed: { id: 'image-1', status: 'COMPLETED' } });
    expect(sent).toHaveLength(1);
    const request = sent[0] as SentRequest;
    expect(request.url).toBe(url);
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({ query, variables });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-amz-security-token']).toBe('session-token');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/appsync\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    // The signature covers what was actually sent: re-signing the same request at the same instant agrees.
    const amzDate = request.headers['x-amz-date'] ?? '';
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const expected = await new SignatureV4({
      service: 'appsync',
      region: 'us-east-1',
      credentials,
      sha256: Sha256,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'example1234.appsync-api.us-east-1.amazonaws.com',
        path: '/graphql',
        query: {},
        headers: {
          host: 'example1234.appsync-api.us-east-1.amazonaws.com',
          'content-type': 'application/json',
        },
        body: request.body,
      },
      { signingDate },
    );
    expect(request.headers.authorization).toBe(expected.headers.authorization);
  });

  it('keeps the port of a local endpoint in the signed host', async () => {
    // Prepare
    const { post, sent } = aScriptedPost([ok()]);

    // Act
    await aClient(post, [], { url: 'http://127.0.0.1:4566/graphql' }).request(query, variables);

    // Assess
    expect(sent[0]?.url).toBe('http://127.0.0.1:4566/graphql');
    expect(sent[0]?.headers.authorization).toMatch(/\/us-east-1\/appsync\/aws4_request/);
  });

  it('treats an HTTP 200 whose body has errors as PublishFailed', async () => {
    // Prepare
    const { post, sent } = aScriptedPost([
      json(200, {
        data: { publishImageProcessed: null },
        errors: [
          {
            errorType: 'Unauthorized',
            message: 'Not Authorized to access publishImageProcessed on type Mutation',
          },
        ],
      }),
    ]);

    // Act
    const attempt = aClient(post).request(query, variables);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'PublishFailed',
      message: expect.stringContaining('Unauthorized: Not Authorized to access publishImageProcessed'),
    });
    expect(sent).toHaveLength(1);
  });

  it('retries a 503 and succeeds on the next attempt, after a jittered backoff', async () => {
    // Prepare
    const delays: number[] = [];
    const { post, sent } = aScriptedPost([json(503, { message: 'Service Unavailable' }), ok()]);

    // Act
    const data = await aClient(post, delays).request(query, variables);

    // Assess
    expect(data).toEqual({ publishImageProcessed: { id: 'image-1', status: 'COMPLETED' } });
    expect(sent).toHaveLength(2);
    expect(delays).toEqual([100]);
  });

  it('retries throttling and network failures, then gives up after three attempts', async () => {
    // Prepare
    const delays: number[] = [];
    const { post, sent } = aScriptedPost([
      new Error('connect ECONNREFUSED 127.0.0.1:4566'),
      json(429, { message: 'Too Many Requests' }),
      json(502, { message: 'Bad Gateway' }),
      ok(),
    ]);

    // Act
    const attempt = aClient(post, delays).request(query, variables);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'PublishFailed',
      message: expect.stringMatching(/after 3 attempts; last: HTTP 502/),
    });
    expect(sent).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
  });

  it('abandons an attempt that gets no answer and retries it', async () => {
    // Prepare
    let calls = 0;
    const post: Post = ({ signal }) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(ok());
      // The first attempt hangs until the client gives up on it.
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason));
      });
    };

    // Act
    const data = await aClient(post, [], { attemptTimeoutMs: 20 }).request(query, variables);

    // Assess
    expect(data).toEqual({ publishImageProcessed: { id: 'image-1', status: 'COMPLETED' } });
    expect(calls).toBe(2);
  });

  it('does not retry a client error', async () => {
    // Prepare
    const { post, sent } = aScriptedPost([
      json(401, { errors: [{ errorType: 'UnauthorizedException' }] }),
      ok(),
    ]);

    // Act
    const attempt = aClient(post).request(query, variables);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'PublishFailed', message: /HTTP 401/ });
    expect(sent).toHaveLength(1);
  });
});
