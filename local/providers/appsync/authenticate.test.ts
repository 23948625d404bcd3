import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Authenticator } from './authenticate.ts';
import { signedGraphqlRequest } from './testing/sign-iam.ts';

const issuer = 'http://127.0.0.1:4566/us-east-1_local';
const clientId = 'client-web';
const credentials = { accessKeyId: 'darkroom-local', secretAccessKey: 'darkroom-local-secret' };
let privateKey: CryptoKey;
let publicJwk: JWK;
let auth: Authenticator;

async function token(claims: Record<string, unknown>, options: { expiresIn?: string; key?: CryptoKey } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'local' })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(options.key ?? privateKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'local', alg: 'RS256', use: 'sig' };
  auth = new Authenticator({
    cognito: { issuer, jwks: { keys: [publicJwk] }, clientId },
    credentials: { [credentials.accessKeyId]: credentials.secretAccessKey },
    accountId: '000000000000',
    apiKeys: ['da2-local'],
  });
});

describe('Cognito tokens', () => {
  it('accepts an access token for the app client, raw or as Bearer, with the identity AppSync builds', async () => {
    const access = await token({
      sub: 'sub-1',
      token_use: 'access',
      client_id: clientId,
      username: 'sub-1',
      'cognito:groups': ['admins'],
    });
    for (const authorization of [access, `Bearer ${access}`]) {
      const caller = await auth.authenticate({ authorization });
      expect(caller).toMatchObject({
        mode: 'AMAZON_COGNITO_USER_POOLS',
        identity: {
          sub: 'sub-1',
          issuer,
          username: 'sub-1',
          groups: ['admins'],
          defaultAuthStrategy: 'ALLOW',
        },
      });
    }
  });

  it('accepts an id token whose audience is the app client', async () => {
    const id = await token({
      sub: 'sub-2',
      token_use: 'id',
      aud: clientId,
      'cognito:username': 'sub-2',
      email: 'a@b.c',
    });
    const caller = await auth.authenticate({ authorization: id });
    expect(caller).toMatchObject({
      identity: { sub: 'sub-2', username: 'sub-2', groups: null, claims: { email: 'a@b.c' } },
    });
  });

  it('refuses tokens of another client, of another issuer, signed by another key, or expired', async () => {
    const other = await generateKeyPair('RS256');
    const refused = [
      await token({ sub: 's', token_use: 'access', client_id: 'someone-else' }),
      await token({ sub: 's', token_use: 'id', aud: 'someone-else' }),
      await token({ sub: 's', token_use: 'access', client_id: clientId }, { key: other.privateKey }),
      await new SignJWT({ sub: 's', token_use: 'access', client_id: clientId })
        .setProtectedHeader({ alg: 'RS256', kid: 'local' })
        .setIssuer('http://evil.example/pool')
        .setExpirationTime('1h')
        .sign(privateKey),
    ];
    for (const authorization of refused) {
      await expect(auth.authenticate({ authorization })).rejects.toMatchObject({
        errorType: 'UnauthorizedException',
        message: 'You are not authorized to make this call.',
      });
    }
    const expired = await token({ sub: 's', token_use: 'access', client_id: clientId }, { expiresIn: '-1m' });
    await expect(auth.authenticate({ authorization: expired })).rejects.toMatchObject({
      message: 'Token has expired.',
    });
  });
});

describe('a token used again', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is refused once it expires, though its signature verified while it was valid', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const access = await token({ sub: 's', token_use: 'access', client_id: clientId }, { expiresIn: '5m' });
    expect(await auth.authenticate({ authorization: access })).toMatchObject({ identity: { sub: 's' } });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    await expect(auth.authenticate({ authorization: access })).rejects.toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'Token has expired.',
    });
  });

  it('is refused once the pool trusts another key set or issuer, and verified under the new one', async () => {
    const other = await generateKeyPair('RS256');
    const otherJwk = { ...(await exportJWK(other.publicKey)), kid: 'other', alg: 'RS256', use: 'sig' };
    let trust = { issuer, jwks: { keys: [publicJwk] }, clientId };
    const rotating = new Authenticator({
      // Read at every check, as the Cognito provider's trust is.
      get cognito() {
        return trust;
      },
      credentials: {},
      accountId: '000000000000',
    });
    const access = await token({ sub: 's', token_use: 'access', client_id: clientId });
    expect(await rotating.authenticate({ authorization: access })).toMatchObject({ identity: { sub: 's' } });
    trust = { issuer, jwks: { keys: [otherJwk] }, clientId };
    await expect(rotating.authenticate({ authorization: access })).rejects.toMatchObject({
      message: 'You are not authorized to make this call.',
    });
    trust = { issuer: 'http://127.0.0.1:9/other-pool', jwks: { keys: [publicJwk] }, clientId };
    await expect(rotating.authenticate({ authorization: access })).rejects.toMatchObject({
      message: 'You are not authorized to make this call.',
    });
  });

  it('hands each request its own claims: a resolver changing them changes nothing for the next', async () => {
    const access = await token({ sub: 's', token_use: 'access', client_id: clientId, scope: 'a' });
    const first = await auth.authenticate({ authorization: access });
    if (first.mode !== 'AMAZON_COGNITO_USER_POOLS') throw new Error('not a Cognito caller');
    first.identity.claims.scope = 'changed';
    const second = await auth.authenticate({ authorization: access });
    expect(second).toMatchObject({ identity: { claims: { scope: 'a' } } });
  });
});

describe('IAM and API keys', () => {
  it('accepts a SigV4 (appsync) signed request and refuses one whose body was changed', async () => {
    const endpoint = 'http://127.0.0.1:4566/graphql';
    const signed = await signedGraphqlRequest(endpoint, '{"query":"{ a }"}', credentials);
    const url = new URL(endpoint);
    const caller = await auth.authenticate(signed.headers, {
      method: 'POST',
      url,
      body: Buffer.from(signed.body),
    });
    expect(caller).toMatchObject({
      mode: 'AWS_IAM',
      identity: { accountId: '000000000000', userArn: expect.stringContaining(':assumed-role/') },
    });
    await expect(
      auth.authenticate(signed.headers, { method: 'POST', url, body: Buffer.from('{"query":"{ b }"}') }),
    ).rejects.toMatchObject({ errorType: 'UnauthorizedException' });
  });

  it('accepts a configured API key with a null identity, and nothing else', async () => {
    expect(await auth.authenticate({ 'x-api-key': 'da2-local' })).toEqual({
      mode: 'API_KEY',
      identity: null,
    });
    await expect(auth.authenticate({ 'x-api-key': 'da2-other' })).rejects.toMatchObject({
      errorType: 'UnauthorizedException',
    });
    await expect(auth.authenticate({})).rejects.toMatchObject({
      message: 'Valid authorization header not provided.',
    });
  });
});
