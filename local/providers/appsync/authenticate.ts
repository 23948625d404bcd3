/**
 * Request-level authentication, as AppSync does it before any field runs: a SigV4 signature (IAM),
 * an API key, or a Cognito JWT (access or id token, raw or `Bearer`). Failures are 401s.
 */
import { createHash } from 'node:crypto';
import {
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { type SignedRequest, verifySigV4, wrongRegion } from '../../sigv4.ts';
import { type Caller, type CognitoIdentity, type IamIdentity, UnauthorizedRequest } from './identity.ts';

/** The user pool whose tokens are trusted; read at every check (the issuer may change at boot). */
export interface CognitoTrust {
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  readonly clientId: string;
}

export interface AuthSettings {
  cognito?: CognitoTrust;
  /** Access key id → secret, for IAM callers (a table, or a lookup). */
  credentials: Record<string, string> | ((accessKeyId: string) => string | undefined);
  accountId: string;
  /** The API's region: an IAM signature scoped to another is refused, as AppSync does. */
  region?: string;
  /** API keys accepted in `x-api-key`; none = the mode is off. */
  apiKeys?: readonly string[];
}

export type Headers = Record<string, string | string[] | undefined>;

/** The parts of the HTTP request a SigV4 signature covers (the realtime `connect` signs its own). */
export interface RequestParts {
  method: string;
  url: URL;
  body: Buffer;
  sourceIp?: string;
}

function header(headers: Headers, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found.join(',') : found;
}

const notAuthorized = 'You are not authorized to make this call.';

/** Verified tokens remembered: a few per signed-in user of a local stack. */
const maxVerifiedTokens = 1024;

export class Authenticator {
  private keySet: { jwks: JSONWebKeySet; verify: ReturnType<typeof createLocalJWKSet> } | undefined;
  /** Tokens whose signature verified, oldest first (bounded: `maxVerifiedTokens`). */
  private readonly verified = new Map<string, { issuer: string; jwks: JSONWebKeySet; claims: JWTPayload }>();

  constructor(private readonly settings: AuthSettings) {}

  /** Resolves the caller or throws `UnauthorizedRequest`. */
  async authenticate(headers: Headers, request?: RequestParts): Promise<Caller> {
    const authorization = header(headers, 'authorization');
    const sourceIp = request?.sourceIp ? [request.sourceIp] : [];
    if (authorization?.startsWith('AWS4-HMAC-SHA256')) return this.iam(headers, request, sourceIp);
    const apiKey = header(headers, 'x-api-key');
    if (apiKey !== undefined && authorization === undefined) {
      if (!this.settings.apiKeys?.includes(apiKey)) throw new UnauthorizedRequest(notAuthorized);
      return { mode: 'API_KEY', identity: null };
    }
    if (!authorization) throw new UnauthorizedRequest('Valid authorization header not provided.');
    return this.cognito(authorization.replace(/^Bearer\s+/i, ''), sourceIp);
  }

  private async cognito(token: string, sourceIp: string[]): Promise<Caller> {
    const trust = this.settings.cognito;
    if (!trust) throw new UnauthorizedRequest(notAuthorized);
    const claims = await this.verifiedClaims(token, trust);
    // Access tokens name their client in `client_id`, id tokens in `aud`.
    const client =
      claims.token_use === 'access' ? claims.client_id : claims.token_use === 'id' ? claims.aud : undefined;
    if (client !== trust.clientId || typeof claims.sub !== 'string')
      throw new UnauthorizedRequest(notAuthorized);
    const username = claims['cognito:username'] ?? claims.username;
    const groups = claims['cognito:groups'];
    const identity: CognitoIdentity = {
      sub: claims.sub,
      issuer: trust.issuer,
      username: typeof username === 'string' ? username : claims.sub,
      claims: claims as Record<string, unknown>,
      sourceIp,
      defaultAuthStrategy: 'ALLOW',
      groups: Array.isArray(groups) ? groups.map(String) : null,
    };
    return { mode: 'AMAZON_COGNITO_USER_POOLS', identity };
  }

  /**
   * The token's claims once its signature, issuer and times check out. A signature verifies the
   * same way every time, so a token verified under this same pool (issuer and key set) is not
   * verified again (an RSA verification cost more CPU than the rest of a getImage); its times are
   * checked at every use, as jose checks them, so an expired token is refused all the same.
   */
  private async verifiedClaims(token: string, trust: CognitoTrust): Promise<JWTPayload> {
    const known = this.verified.get(token);
    if (known && known.issuer === trust.issuer && known.jwks === trust.jwks) {
      const now = Math.floor(Date.now() / 1000);
      const { exp, nbf } = known.claims;
      if (typeof exp === 'number' && exp <= now) throw new UnauthorizedRequest('Token has expired.');
      if (typeof nbf === 'number' && nbf > now) throw new UnauthorizedRequest(notAuthorized);
      // A copy: the identity reaches resolver code, which must not change what the next request sees.
      return structuredClone(known.claims);
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys(trust.jwks), {
        issuer: trust.issuer,
        algorithms: ['RS256'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedRequest('Token has expired.');
      throw new UnauthorizedRequest(notAuthorized);
    }
    if (this.verified.size >= maxVerifiedTokens) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { issuer: trust.issuer, jwks: trust.jwks, claims: structuredClone(claims) });
    return claims;
  }

  private iam(headers: Headers, request: RequestParts | undefined, sourceIp: string[]): Caller {
    if (!request) throw new UnauthorizedRequest(notAuthorized);
    const signed: SignedRequest = { method: request.method, url: request.url, headers, body: request.body };
    // The verifier trusts a declared payload hash (S3 checks it later); AppSync covers the body itself.
    const declared = header(headers, 'x-amz-content-sha256');
    if (declared !== undefined && declared !== createHash('sha256').update(request.body).digest('hex')) {
      throw new UnauthorizedRequest(
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    const { credentials } = this.settings;
    const secretFor = typeof credentials === 'function' ? credentials : (id: string) => credentials[id];
    const result = verifySigV4(signed, secretFor);
    if (!result.ok) throw new UnauthorizedRequest(result.message);
    const region =
      this.settings.region === undefined ? undefined : wrongRegion(result.region, this.settings.region);
    if (region) throw new UnauthorizedRequest(region.message);
    if (result.service !== 'appsync')
      throw new UnauthorizedRequest(`Credential should be scoped to correct service: 'appsync'.`);
    const { accountId } = this.settings;
    const session = result.accessKeyId;
    const identity: IamIdentity = {
      accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp,
      username: `AROADARKROOMLOCAL:${session}`,
      userArn: `arn:aws:sts::${accountId}:assumed-role/darkroom-local/${session}`,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    };
    return { mode: 'AWS_IAM', identity, accessKeyId: result.accessKeyId };
  }

  private keys(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
    if (this.keySet?.jwks !== jwks) this.keySet = { jwks, verify: createLocalJWKSet(jwks) };
    return this.keySet.verify;
  }
}
