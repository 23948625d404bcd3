/**
 * Local Cognito user pools: cognito-local 5.3 in process, plus what Amplify needs that it lacks.
 *
 * LIMITATIONS
 * - No USER_SRP_AUTH: clients sign in with `authFlowType: 'USER_PASSWORD_AUTH'`.
 * - GetTokensFromRefreshToken is mapped onto InitiateAuth REFRESH_TOKEN_AUTH (no rotation).
 * - No GlobalSignOut, no hosted UI, no triggers. One RS256 signing key per data folder (never
 *   rotated); cognito-local's published key signs nothing.
 * - Confirmation codes are never e-mailed: they are printed and readable through `codes()`.
 * - IAM-authorised operations (Admin*, ListUsers, …) need a valid SigV4 signature (checked here, as
 *   only Cognito knows which operations are public); the caller's IAM policy is checked by
 *   `authorize` against `cognito-idp:<Operation>` on the pool's ARN. Public operations that take an
 *   AccessToken verify it (signature, issuer, expiry, token_use) before cognito-local, which only
 *   decodes it. Only the operations cognito-local implements are served; the rest answer
 *   UnknownOperationException.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CognitoError, UnsupportedError } from 'cognito-local/lib/errors.js';
import { isSupportedTarget } from 'cognito-local/lib/targets/Target.js';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, errors as joseErrors, jwtVerify } from 'jose';
import { names } from '../../../contracts/names.ts';
import { applyLatency } from '../../faults.ts';
import { readJsonObject } from '../../json-body.ts';
import { type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { jsonSigV4Error, verifySigV4, wrongRegion } from '../../sigv4.ts';
import { refuseAttributes } from './attribute-rules.ts';
import { refusePassword } from './password-rules.ts';
import { isPublicOperation } from './public-operations.ts';
import { type CognitoServices, createCognitoServices, type DeliveredCode } from './services.ts';
import { loadSigningKey, type SigningKey } from './signing-key.ts';
import { toWireTimestamps } from './wire-format.ts';

const targetPrefix = 'AWSCognitoIdentityProviderService.';

export interface CognitoProviderOptions extends ProviderContext {
  /** `http://host:port` the tokens' `iss` starts with; defaults to the edge's address from config. */
  issuerDomain?: string;
  /** The secret of a SigV4 access key id; only the stack's own credentials unless given. */
  secretFor?: (accessKeyId: string) => string | undefined;
  /** Whether a verified caller may run an IAM action on a resource; the stack's root always may. */
  authorize?: (accessKeyId: string, action: string, resource: string) => AuthorizeVerdict;
}

export type AuthorizeVerdict = { allowed: true } | { allowed: false; message: string };

type CallResult = { output: unknown } | { status: number; error: { __type: string; message: string } };

export class CognitoProvider implements Provider {
  readonly name = 'cognito-idp';
  private signingKey: SigningKey | undefined;
  private keySet: { jwks: JSONWebKeySet; verify: ReturnType<typeof createLocalJWKSet> } | undefined;
  private services: CognitoServices | undefined;
  private readonly tokenConfig: { IssuerDomain: string };
  private readonly delivered: DeliveredCode[] = [];
  private ids: { userPoolId: string; clientId: string } | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: CognitoProviderOptions) {
    const { host, port } = options.config;
    this.tokenConfig = { IssuerDomain: options.issuerDomain ?? `http://${host}:${port}` };
    this.log = options.log;
  }

  /** Changes the tokens' issuer domain (the edge learns its port only once it listens). */
  setIssuerDomain(domain: string): void {
    this.tokenConfig.IssuerDomain = domain.replace(/\/$/, '');
  }

  get userPoolId(): string {
    return this.started().userPoolId;
  }

  get clientId(): string {
    return this.started().clientId;
  }

  /** The `iss` claim of every token this pool issues. */
  get issuer(): string {
    return `${this.tokenConfig.IssuerDomain}/${this.userPoolId}`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  /** The pool's public signing key, as `/.well-known/jwks.json` serves it. */
  get jwks(): JSONWebKeySet {
    if (!this.keySet) throw new Error('the Cognito provider is not started');
    return this.keySet.jwks;
  }

  /** Every confirmation code delivered since start, oldest first. */
  codes(): DeliveredCode[] {
    return [...this.delivered];
  }

  async start(): Promise<void> {
    const dataDir = path.join(this.options.config.dataDir, 'cognito');
    await mkdir(dataDir, { recursive: true });
    this.signingKey = await loadSigningKey(dataDir);
    const jwks = { keys: [this.signingKey.publicJwk] };
    this.keySet = { jwks, verify: createLocalJWKSet(jwks) };
    this.services = await createCognitoServices({
      dataDir,
      tokenConfig: this.tokenConfig,
      signingKey: this.signingKey,
      onCode: (code) => {
        this.delivered.push(code);
        this.log(`[cognito] confirmation code for ${code.destination}: ${code.code}`);
      },
    });
    this.ids = await this.ensurePool();
  }

  async stop(): Promise<void> {
    this.services = undefined;
  }

  /** Deletes every user; the pool and its client keep their ids, so issued configs stay valid. */
  async reset(): Promise<void> {
    const UserPoolId = this.userPoolId;
    const { Users = [] } = (await this.run('ListUsers', { UserPoolId })) as {
      Users?: Array<{ Username: string }>;
    };
    for (const user of Users) await this.run('AdminDeleteUser', { UserPoolId, Username: user.Username });
    this.delivered.length = 0;
  }

  health(): ProviderHealth {
    return this.ids ? { ready: true } : { ready: false, detail: 'not started' };
  }

  async handle({ req, res, url, body }: EdgeRequest): Promise<void> {
    const send = (status: number, payload: unknown, type = 'application/x-amz-json-1.1') =>
      sendJson(res, status, payload, { 'content-type': type, 'access-control-allow-origin': '*' });
    if (req.method === 'GET' && url.pathname.endsWith('/.well-known/jwks.json')) {
      send(200, this.jwks, 'application/json');
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(targetPrefix)) {
      send(400, { __type: 'UnknownOperationException', message: `Unknown target "${target}"` });
      return;
    }
    const read = readJsonObject(body);
    if (!read.ok) {
      send(400, { __type: read.code, message: read.message });
      return;
    }
    const input = read.value;
    const operation = target.slice(targetPrefix.length);
    // An operation the pool does not serve answers UnknownOperationException, signed or not.
    const denied =
      isPublicOperation(operation) || !isSupportedTarget(operation)
        ? undefined
        : this.refuseUnauthorised(operation, { req, url, body });
    if (denied && 'error' in denied) {
      res.setHeader('x-amzn-errortype', denied.error.__type);
      send(denied.status, denied.error);
      return;
    }
    const fault = this.options.faults.find('cognito-idp', operation);
    await applyLatency(fault);
    if (fault?.error) {
      send(fault.status ?? 400, {
        __type: fault.error,
        message: fault.message ?? `Injected fault: ${fault.error}`,
      });
      return;
    }
    const result = await this.call(operation, input);
    if ('error' in result) {
      res.setHeader('x-amzn-errortype', result.error.__type);
      send(result.status, result.error);
    } else send(200, result.output);
  }

  /**
   * IAM-authorised operations need the stack's SigV4 signature (any service scope but this one is
   * refused, as AWS does) and a policy allowing the action; undefined when the call may go on.
   */
  private refuseUnauthorised(
    operation: string,
    { req, url, body }: Pick<EdgeRequest, 'req' | 'url' | 'body'>,
  ): CallResult | undefined {
    const { credentials } = this.options.config;
    const secretFor =
      this.options.secretFor ??
      ((id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined));
    const verdict = verifySigV4({ method: req.method ?? 'POST', url, headers: req.headers, body }, secretFor);
    if (!verdict.ok) {
      const { code, message, status } = jsonSigV4Error(verdict.code, verdict.message);
      return { status, error: { __type: code, message } };
    }
    const scoped = wrongRegion(verdict.region, this.options.config.region);
    if (scoped) return { status: scoped.status, error: { __type: scoped.code, message: scoped.message } };
    if (verdict.service !== this.name) {
      return {
        status: 400,
        error: {
          __type: 'InvalidSignatureException',
          message: `Credential should be scoped to correct service: '${this.name}'.`,
        },
      };
    }
    if (verdict.accessKeyId === credentials.accessKeyId || !this.options.authorize) return undefined;
    const { region, accountId } = this.options.config;
    const resource = `arn:aws:cognito-idp:${region}:${accountId}:userpool/${this.ids?.userPoolId ?? '*'}`;
    const access = this.options.authorize(verdict.accessKeyId, `cognito-idp:${operation}`, resource);
    return access.allowed
      ? undefined
      : { status: 403, error: { __type: 'AccessDeniedException', message: access.message } };
  }

  /** Runs one operation as the wire does: AWS error shape on failure, never a throw. */
  async call(operation: string, input: Record<string, unknown>): Promise<CallResult> {
    try {
      await this.verifyAccessToken(input);
      const refused = refusePassword(operation, input) ?? refuseAttributes(operation, input);
      if (refused) return { status: 400, error: { __type: refused.code, message: refused.message } };
      return { output: toWireTimestamps(await this.run(operation, input)) };
    } catch (error) {
      if (error instanceof CognitoError) {
        return { status: 400, error: cognitoError(operation, error.code, error.message) };
      }
      if (error instanceof UnsupportedError) {
        const message = `The local user pool does not support ${operation}: ${error.message}`;
        return { status: 400, error: { __type: 'UnknownOperationException', message } };
      }
      // cognito-local reads inputs without checking their types: a TypeError there is a field of
      // the wrong type or shape, which Cognito refuses as a bad parameter.
      if (error instanceof TypeError) {
        const message = `${operation}: a parameter has the wrong type or shape (${error.message})`;
        return { status: 400, error: { __type: 'InvalidParameterException', message } };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { status: 500, error: { __type: 'InternalErrorException', message } };
    }
  }

  /**
   * Token-authorised operations (GetUser, ChangePassword, …): cognito-local only decodes the
   * AccessToken, so a forged one would pass; Cognito verifies it.
   */
  private async verifyAccessToken(input: Record<string, unknown>): Promise<void> {
    if (!('AccessToken' in input)) return;
    const token = input.AccessToken;
    const keys = this.keySet;
    if (typeof token !== 'string' || !keys)
      throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    try {
      const { payload } = await jwtVerify(token, keys.verify, { issuer: this.issuer, algorithms: ['RS256'] });
      if (payload.token_use !== 'access') throw new Error('not an access token');
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new CognitoError(
        'NotAuthorizedException',
        expired ? 'Access Token has expired' : 'Invalid Access Token',
      );
    }
  }

  private async run(operation: string, given: Record<string, unknown>): Promise<Record<string, unknown>> {
    const services = this.services;
    if (!services) throw new Error('the Cognito provider is not started');
    let input = given;
    if (operation === 'GetTokensFromRefreshToken') return this.tokensFromRefreshToken(services, input);
    if (operation === 'AdminListGroupsForUser') input = await this.withPoolUsername(services, input);
    const output = await services.operation(operation)(input);
    if (operation === 'SignUp' && this.options.config.autoConfirm && output.UserConfirmed !== true) {
      const UserPoolId = this.started().userPoolId;
      await services.operation('AdminConfirmSignUp')({ UserPoolId, Username: input.Username });
      await this.markEmailVerified(services, input.Username);
      return { ...output, UserConfirmed: true };
    }
    if (operation === 'ConfirmSignUp') await this.markEmailVerified(services, input.Username);
    return output;
  }

  /**
   * Cognito accepts an alias (the e-mail) wherever a Username goes; cognito-local matches group
   * members by the pool's own username only, so it would list no groups for an alias.
   */
  private async withPoolUsername(
    services: CognitoServices,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const user = await services.operation('AdminGetUser')({
      UserPoolId: input.UserPoolId,
      Username: input.Username,
    });
    return { ...input, Username: user.Username };
  }

  /**
   * Cognito marks the address a confirmation code went to as verified; cognito-local does not,
   * and Amplify's Authenticator then stops at "Account recovery requires verified contact
   * information" after every sign-in.
   */
  private async markEmailVerified(services: CognitoServices, username: unknown): Promise<void> {
    const UserPoolId = this.started().userPoolId;
    const user = await services.operation('AdminGetUser')({ UserPoolId, Username: username });
    const attributes = (user.UserAttributes ?? []) as { Name?: string; Value?: string }[];
    const email = attributes.find((attribute) => attribute.Name === 'email')?.Value;
    // cognito-local refuses to change email_verified without the address in the same call.
    if (!email) return;
    await services.operation('AdminUpdateUserAttributes')({
      UserPoolId,
      Username: username,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
  }

  /** Amplify v6 refreshes with this operation, which cognito-local lacks. */
  private async tokensFromRefreshToken(
    services: CognitoServices,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const refreshed = await services.operation('InitiateAuth')({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: input.ClientId,
      AuthParameters: { REFRESH_TOKEN: input.RefreshToken },
    });
    const result = (refreshed.AuthenticationResult ?? {}) as { AccessToken?: string; IdToken?: string };
    const exp = result.AccessToken ? decodeJwt(result.AccessToken).exp : undefined;
    return {
      AuthenticationResult: {
        AccessToken: result.AccessToken,
        IdToken: result.IdToken,
        RefreshToken: input.RefreshToken,
        TokenType: 'Bearer',
        ExpiresIn: exp === undefined ? 3600 : Math.max(0, exp - Math.floor(Date.now() / 1000)),
      },
    };
  }

  /** Creates the pool and its app client on first boot; later boots find them by name. */
  private async ensurePool(): Promise<{ userPoolId: string; clientId: string }> {
    const { UserPools = [] } = (await this.run('ListUserPools', { MaxResults: 60 })) as {
      UserPools?: Array<{ Id: string; Name: string }>;
    };
    let userPoolId = UserPools.find((pool) => pool.Name === names.userPool)?.Id;
    if (!userPoolId) {
      const created = (await this.run('CreateUserPool', {
        PoolName: names.userPool,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
      })) as { UserPool: { Id: string } };
      userPoolId = created.UserPool.Id;
    }
    const { UserPoolClients = [] } = (await this.run('ListUserPoolClients', {
      UserPoolId: userPoolId,
      MaxResults: 60,
    })) as { UserPoolClients?: Array<{ ClientId: string; ClientName: string }> };
    let clientId = UserPoolClients.find((client) => client.ClientName === names.userPoolClient)?.ClientId;
    if (!clientId) {
      const created = (await this.run('CreateUserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: names.userPoolClient,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      })) as { UserPoolClient: { ClientId: string } };
      clientId = created.UserPoolClient.ClientId;
    }
    // The moderators group, as infra/auth.ts creates it in the cloud (issue 20): listFlaggedImages
    // and reviewImage admit only its members (`npx darkroom admin add-moderator <email>`).
    const { Groups = [] } = (await this.run('ListGroups', { UserPoolId: userPoolId })) as {
      Groups?: Array<{ GroupName: string }>;
    };
    if (!Groups.some((group) => group.GroupName === names.moderatorsGroup)) {
      await this.run('CreateGroup', {
        UserPoolId: userPoolId,
        GroupName: names.moderatorsGroup,
        Description: 'Review FLAGGED images: approve or reject',
      });
    }
    return { userPoolId, clientId };
  }

  private started(): { userPoolId: string; clientId: string } {
    if (!this.ids) throw new Error('the Cognito provider is not started');
    return this.ids;
  }
}

/** Cognito answers a wrong password with NotAuthorizedException; cognito-local does not. */
function cognitoError(operation: string, code: string, message: string): { __type: string; message: string } {
  const signIn = operation === 'InitiateAuth' || operation === 'AdminInitiateAuth';
  if (signIn && code === 'InvalidPasswordException') {
    return { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' };
  }
  return { __type: code, message };
}
