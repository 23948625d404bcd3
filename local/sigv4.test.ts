import { createHash, createHmac } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { credentialScopeOf, escapeUri, type SignedRequest, signingKey, verifySigV4 } from './sigv4.ts';

const credentials = { accessKeyId: 'darkroom-local', secretAccessKey: 'darkroom-local-secret' };
const secretFor = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);
const signingDate = new Date('2026-11-24T01:00:00Z');
const host = '127.0.0.1:4566';

interface Unsigned {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer;
}

function signer(service: string, uriEscapePath: boolean, keys = credentials): SignatureV4 {
  return new SignatureV4({ service, region: 'us-east-1', credentials: keys, sha256: Sha256, uriEscapePath });
}

function httpRequest(input: Unsigned) {
  return {
    method: input.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: input.path,
    query: input.query ?? {},
    headers: { host, ...input.headers },
    body: input.body,
  };
}

/** What the server sees of a request smithy signed: the URL as it goes on the wire. */
function received(signed: {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}): SignedRequest {
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${escapeUri(name)}=${escapeUri(String(value))}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    url: new URL(`http://${host}${signed.path}${query ? `?${query}` : ''}`),
    headers,
    body: Buffer.isBuffer(signed.body) ? signed.body : undefined,
  };
}

async function signS3(input: Unsigned, keys = credentials): Promise<SignedRequest> {
  const body = input.body ?? Buffer.alloc(0);
  const sha = createHash('sha256').update(body).digest('hex');
  const request = httpRequest({ ...input, headers: { 'x-amz-content-sha256': sha, ...input.headers }, body });
  return received(await signer('s3', false, keys).sign(request, { signingDate }));
}

describe('verifySigV4 with header auth', () => {
  it('accepts an S3 PUT signed by @smithy/signature-v4', async () => {
    // Prepare
    const request = await signS3({
      method: 'PUT',
      path: '/darkroom-images-local/uploads/o/i/original',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from('png bytes'),
    });

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toEqual({
      ok: true,
      accessKeyId: 'darkroom-local',
      service: 's3',
      region: 'us-east-1',
      signedHeaders: ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'],
      presigned: false,
    });
  });

  it('accepts an S3 key that needs encoding, signed without double encoding', async () => {
    // Prepare: the SDK sends the key encoded once; S3 signs exactly that.
    const request = await signS3({ method: 'GET', path: '/bucket/a%20b%2Bc/%C3%A9t%C3%A9.jpg' });

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('accepts a non-S3 request whose path is double-encoded in the signature', async () => {
    // Prepare
    const body = Buffer.from('{"x":1}');
    const unsigned = httpRequest({
      method: 'POST',
      path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A0%3Afunction%3Afn/invocations',
      body,
    });
    const request = received(await signer('lambda', true).sign(unsigned, { signingDate }));

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: true, service: 'lambda' });
  });

  it('accepts UNSIGNED-PAYLOAD whatever the body', async () => {
    // Prepare
    const request = await signS3({
      method: 'PUT',
      path: '/bucket/key',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: Buffer.from('abc'),
    });
    request.body = Buffer.from('something else');

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('refuses a tampered header with SignatureDoesNotMatch', async () => {
    // Prepare
    const request = await signS3({
      method: 'PUT',
      path: '/bucket/key',
      headers: { 'content-type': 'image/png' },
    });
    request.headers['content-type'] = 'text/html';

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a tampered body of a service that signs the body hash', async () => {
    // Prepare
    const unsigned = httpRequest({
      method: 'POST',
      path: '/',
      body: Buffer.from('Action=Publish&Message=hi'),
    });
    const request = received(await signer('sns', true).sign(unsigned, { signingDate }));
    request.body = Buffer.from('Action=Publish&Message=ho');

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses an S3 body that does not match its x-amz-content-sha256', async () => {
    // Prepare
    const request = await signS3({ method: 'PUT', path: '/bucket/key', body: Buffer.from('original') });
    request.body = Buffer.from('tampered');

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'XAmzContentSHA256Mismatch' });
  });

  it('refuses a tampered path', async () => {
    // Prepare
    const request = await signS3({ method: 'GET', path: '/bucket/uploads/a/original' });
    request.url = new URL(`http://${host}/bucket/uploads/b/original`);

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a request signed with the wrong secret', async () => {
    // Prepare
    const request = await signS3(
      { method: 'GET', path: '/bucket/key' },
      { ...credentials, secretAccessKey: 'nope' },
    );

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    // Prepare
    const request = await signS3(
      { method: 'GET', path: '/bucket/key' },
      { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
    );

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
  });

  it('allows a few minutes of clock skew and refuses more than fifteen', async () => {
    // Prepare
    const request = await signS3({ method: 'GET', path: '/bucket/key' });

    // Act
    const skewed = verifySigV4(request, secretFor, new Date(signingDate.getTime() + 5 * 60_000));
    const tooSkewed = verifySigV4(request, secretFor, new Date(signingDate.getTime() - 16 * 60_000));

    // Assess
    expect(skewed.ok).toBe(true);
    expect(tooSkewed).toMatchObject({ ok: false, code: 'RequestTimeTooSkewed' });
  });

  it('refuses an unsigned request with MissingAuthenticationToken', () => {
    // Act
    const result = verifySigV4(
      { method: 'GET', url: new URL(`http://${host}/bucket/key`), headers: { host } },
      secretFor,
    );

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'MissingAuthenticationToken' });
  });
});

describe('verifySigV4 with query auth (presigned URLs)', () => {
  async function presignS3(path: string, expiresIn: number): Promise<SignedRequest> {
    // As @aws-sdk/s3-request-presigner does: UNSIGNED-PAYLOAD, hoisted into the query.
    const unsigned = httpRequest({
      method: 'GET',
      path,
      headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    return received(await signer('s3', false).presign(unsigned, { signingDate, expiresIn }));
  }

  it('accepts a presigned GET within its lifetime', async () => {
    // Prepare
    const request = await presignS3('/bucket/thumbnails/o/i/small.jpg', 900);

    // Act
    const result = verifySigV4(request, secretFor, new Date(signingDate.getTime() + 899_000));

    // Assess
    expect(result).toMatchObject({ ok: true, presigned: true, service: 's3', signedHeaders: ['host'] });
  });

  it('refuses a presigned GET after it expired', async () => {
    // Prepare
    const request = await presignS3('/bucket/key', 60);

    // Act
    const result = verifySigV4(request, secretFor, new Date(signingDate.getTime() + 61_000));

    // Assess
    expect(result).toEqual({ ok: false, code: 'AccessDenied', message: 'Request has expired' });
  });

  it('refuses a presigned URL whose query was changed', async () => {
    // Prepare
    const request = await presignS3('/bucket/key', 900);
    request.url.searchParams.set('X-Amz-Expires', '90000');

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a presigned URL missing its parameters', async () => {
    // Prepare
    const request = await presignS3('/bucket/key', 900);
    request.url.searchParams.delete('X-Amz-Credential');

    // Act
    const result = verifySigV4(request, secretFor, signingDate);

    // Assess
    expect(result).toMatchObject({ ok: false, code: 'AuthorizationQueryParametersError' });
  });
});

describe('credentialScopeOf', () => {
  it('reads the scope of a header-signed request', async () => {
    // Prepare
    const unsigned = httpRequest({ method: 'POST', path: '/', body: Buffer.from('{}') });
    const request = received(await signer('states', true).sign(unsigned, { signingDate }));

    // Act
    const scope = credentialScopeOf(request);

    // Assess
    expect(scope).toEqual({
      accessKeyId: 'darkroom-local',
      date: '20261124',
      region: 'us-east-1',
      service: 'states',
    });
  });

  it('reads the scope of a presigned URL and nothing from an unsigned one', async () => {
    // Prepare
    const unsigned = httpRequest({ method: 'GET', path: '/bucket/key' });
    const request = received(await signer('s3', false).presign(unsigned, { signingDate }));

    // Act
    const scope = credentialScopeOf(request);
    const none = credentialScopeOf({ method: 'GET', url: new URL(`http://${host}/`), headers: {} });

    // Assess
    expect(scope?.service).toBe('s3');
    expect(none).toBeUndefined();
  });
});

describe('signingKey', () => {
  /** SigV4's derivation, written out: what every (secret, scope) must get, cached or not. */
  const derived = (secret: string, date: string, region: string, service: string) =>
    [date, region, service, 'aws4_request'].reduce<Buffer | string>(
      (key, part) => createHmac('sha256', key).update(part).digest(),
      `AWS4${secret}`,
    );

  it('gives every secret and scope its own derived key, each time it is asked', () => {
    // Prepare: pairs whose parts run together the same way ("s" + "1x" and "s1" + "x").
    const cases = [
      ['1x', '20261124', 'us-east-1', 's'],
      ['x', '20261124', 'us-east-1', 's1'],
      ['x', '20261124', 'us-east-1s', '1'],
      ['darkroom-local-secret', '20261124', 'us-east-1', 's3'],
      ['darkroom-local-secret', '20261125', 'us-east-1', 's3'],
      ['other-secret', '20261124', 'us-east-1', 's3'],
    ] as const;

    for (const round of [1, 2]) {
      for (const [secret, date, region, service] of cases) {
        // Act
        const key = signingKey(secret, { date, region, service });

        // Assess
        expect(key, `${secret} ${date} ${region} ${service}, round ${round}`).toEqual(
          derived(secret, date, region, service),
        );
      }
    }
  });
});
