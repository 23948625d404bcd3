/**
 * The local Cognito as the AWS SDK v3 sees it: every operation the stack serves, called with
 * CognitoIdentityProviderClient itself (its deserialisers are the wire check), SigV4 on the
 * IAM-authorised ones, and tokens signed with the data folder's own key.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DeleteUserCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetGroupCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UpdateGroupCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../../contracts/names.ts';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import { type ServedProvider, serveProvider } from '../../serve-provider.ts';
import { CognitoProvider } from './index.ts';

const password = 'Passw0rd!long';
const target = 'AWSCognitoIdentityProviderService.';
let dataDir: string;
let server: ServedProvider;
let provider: CognitoProvider;
let admin: CognitoIdentityProviderClient;
let config: ReturnType<typeof loadConfig>;

function clientWith(credentials: { accessKeyId: string; secretAccessKey: string }) {
  return new CognitoIdentityProviderClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
}

/** An unsigned JSON call, as `curl` would make it. */
async function unsigned(operation: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(server.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${target}${operation}` },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.json() };
}

/** A confirmed user, signed up the public way. */
async function confirmedUser(email: string): Promise<void> {
  await admin.send(
    new SignUpCommand({
      ClientId: provider.clientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: provider.userPoolId, Username: email }));
}

async function signIn(email: string, secret = password) {
  const { AuthenticationResult } = await admin.send(
    new InitiateAuthCommand({
      ClientId: provider.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: secret },
    }),
  );
  return {
    accessToken: AuthenticationResult?.AccessToken ?? '',
    refreshToken: AuthenticationResult?.RefreshToken ?? '',
    idToken: AuthenticationResult?.IdToken ?? '',
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-cognito-wire-'));
  config = loadConfig({}, { dataDir, port: 0 });
  provider = new CognitoProvider(providerContext(config));
  await provider.start();
  server = await serveProvider((request) => provider.handle(request));
  provider.setIssuerDomain(server.endpoint);
  admin = clientWith(config.credentials);
});

afterAll(async () => {
  admin?.destroy();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('IAM-authorised Cognito operations', () => {
  it('refuse an unsigned ListUsers with MissingAuthenticationTokenException and leak no user', async () => {
    await confirmedUser('victim-list@example.com');
    const { status, body } = await unsigned('ListUsers', { UserPoolId: provider.userPoolId });
    expect(status).toBe(403);
    expect(body).toEqual({ __type: 'MissingAuthenticationTokenException', message: expect.any(String) });
  });

  it('refuse an unsigned AdminSetUserPassword, so nobody takes over another account', async () => {
    await confirmedUser('victim-password@example.com');
    const { body } = await unsigned('AdminSetUserPassword', {
      UserPoolId: provider.userPoolId,
      Username: 'victim-password@example.com',
      Password: 'Attack3r!password',
      Permanent: true,
    });
    expect(body).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    await expect(signIn('victim-password@example.com', 'Attack3r!password')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('refuse a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
    const wrongSecret = clientWith({ accessKeyId: config.credentials.accessKeyId, secretAccessKey: 'guess' });
    const unknownKey = clientWith({ accessKeyId: 'AKIASOMEONEELSE', secretAccessKey: 'guess' });
    for (const command of [
      new ListUsersCommand({ UserPoolId: provider.userPoolId }),
      new AdminAddUserToGroupCommand({ UserPoolId: provider.userPoolId, Username: 'x', GroupName: 'g' }),
      new AdminDeleteUserCommand({ UserPoolId: provider.userPoolId, Username: 'x' }),
    ]) {
      await expect(wrongSecret.send(command as never)).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
      await expect(unknownKey.send(command as never)).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
    }
    wrongSecret.destroy();
    unknownKey.destroy();
  });

  it('keep public operations public: unsigned SignUp and InitiateAuth work', async () => {
    const { status, body } = await unsigned('SignUp', {
      ClientId: provider.clientId,
      Username: 'public@example.com',
      Password: password,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ UserConfirmed: false, UserSub: expect.any(String) });
    await admin.send(
      new AdminConfirmSignUpCommand({ UserPoolId: provider.userPoolId, Username: 'public@example.com' }),
    );
    const signedIn = await unsigned('InitiateAuth', {
      ClientId: provider.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'public@example.com', PASSWORD: password },
    });
    expect(signedIn.body).toMatchObject({ AuthenticationResult: { AccessToken: expect.any(String) } });
  });
});

describe('the SDK v3 against every served operation', () => {
  it('creates, lists, gets, updates and deletes users with dates as epoch seconds', async () => {
    const UserPoolId = provider.userPoolId;
    const Username = 'sdk-script@example.com';
    const before = Date.now();
    const created = await admin.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username,
        TemporaryPassword: password,
        UserAttributes: [{ Name: 'email', Value: Username }],
        MessageAction: 'SUPPRESS',
      }),
    );
    expect(created.User?.UserCreateDate).toBeInstanceOf(Date);
    expect(created.User?.UserCreateDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(created.User?.UserLastModifiedDate).toBeInstanceOf(Date);

    const listed = await admin.send(new ListUsersCommand({ UserPoolId }));
    const mine = listed.Users?.find((user) => user.Username === created.User?.Username);
    expect(mine?.UserCreateDate?.getTime()).toBe(created.User?.UserCreateDate?.getTime());

    await admin.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username,
        UserAttributes: [{ Name: 'name', Value: 'Ada' }],
      }),
    );
    await admin.send(
      new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['name'] }),
    );
    await admin.send(
      new AdminSetUserPasswordCommand({ UserPoolId, Username, Password: password, Permanent: true }),
    );
    await admin.send(new AdminDisableUserCommand({ UserPoolId, Username }));
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId, Username }))).Enabled).toBe(false);
    await admin.send(new AdminEnableUserCommand({ UserPoolId, Username }));
    const got = await admin.send(new AdminGetUserCommand({ UserPoolId, Username }));
    // An e-mail-alias pool names users by their sub; the e-mail stays an attribute.
    expect(got).toMatchObject({ Username: created.User?.Username, Enabled: true, UserStatus: 'CONFIRMED' });
    expect(got.UserLastModifiedDate).toBeInstanceOf(Date);

    await admin.send(new AdminDeleteUserCommand({ UserPoolId, Username }));
    await expect(admin.send(new AdminGetUserCommand({ UserPoolId, Username }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('manages groups and membership with dates the SDK parses', async () => {
    const UserPoolId = provider.userPoolId;
    const Username = 'grouped@example.com';
    await confirmedUser(Username);
    const group = await admin.send(new CreateGroupCommand({ UserPoolId, GroupName: 'reviewers' }));
    expect(group.Group?.CreationDate).toBeInstanceOf(Date);
    await admin.send(new UpdateGroupCommand({ UserPoolId, GroupName: 'reviewers', Description: 'review' }));
    expect(
      (await admin.send(new GetGroupCommand({ UserPoolId, GroupName: 'reviewers' }))).Group,
    ).toMatchObject({
      Description: 'review',
      LastModifiedDate: expect.any(Date),
    });
    expect(
      (await admin.send(new ListGroupsCommand({ UserPoolId }))).Groups?.map((g) => g.GroupName),
    ).toContain('reviewers');
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: 'reviewers' }));
    const groups = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId, Username }));
    expect(groups.Groups?.[0]?.CreationDate).toBeInstanceOf(Date);
    const members = await admin.send(new ListUsersInGroupCommand({ UserPoolId, GroupName: 'reviewers' }));
    expect(members.Users?.[0]).toMatchObject({
      Attributes: expect.arrayContaining([{ Name: 'email', Value: Username }]),
      UserCreateDate: expect.any(Date),
    });
    const signedIn = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId,
        ClientId: provider.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: Username, PASSWORD: password },
      }),
    );
    expect(decodeJwt(signedIn.AuthenticationResult?.AccessToken ?? '')['cognito:groups']).toEqual([
      'reviewers',
    ]);
    await admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName: 'reviewers' }));
    await admin.send(new DeleteGroupCommand({ UserPoolId, GroupName: 'reviewers' }));
  });

  it('creates the moderators group with the pool, as the CDK app does', async () => {
    const UserPoolId = provider.userPoolId;
    const group = await admin.send(new GetGroupCommand({ UserPoolId, GroupName: names.moderatorsGroup }));
    expect(group.Group?.GroupName).toBe('moderators');
  });

  it('describes the pool and its client with dates the SDK parses', async () => {
    const UserPoolId = provider.userPoolId;
    const pool = await admin.send(new DescribeUserPoolCommand({ UserPoolId }));
    expect(pool.UserPool?.CreationDate).toBeInstanceOf(Date);
    expect(pool.UserPool?.LastModifiedDate).toBeInstanceOf(Date);
    const pools = await admin.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    expect(pools.UserPools?.find((p) => p.Id === UserPoolId)?.CreationDate).toBeInstanceOf(Date);
    const clients = await admin.send(new ListUserPoolClientsCommand({ UserPoolId }));
    expect(clients.UserPoolClients?.map((c) => c.ClientId)).toContain(provider.clientId);
    const client = await admin.send(
      new DescribeUserPoolClientCommand({ UserPoolId, ClientId: provider.clientId }),
    );
    expect(client.UserPoolClient?.CreationDate).toBeInstanceOf(Date);
    await expect(admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId }))).resolves.toBeDefined();
  });

  it('serves the token-authorised operations to the token holder and answers AWS error codes', async () => {
    const email = 'self-service@example.com';
    await confirmedUser(email);
    await expect(signIn(email, 'wrong-password')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const { accessToken, refreshToken } = await signIn(email);
    const user = await admin.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: email });
    await admin.send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: [{ Name: 'name', Value: 'G' }],
      }),
    );
    await admin.send(
      new ChangePasswordCommand({
        AccessToken: accessToken,
        PreviousPassword: password,
        ProposedPassword: 'Passw0rd!longer',
      }),
    );
    await admin.send(new ForgotPasswordCommand({ ClientId: provider.clientId, Username: email }));
    const code = provider.codes().findLast((c) => c.destination === email)?.code;
    await admin.send(
      new ConfirmForgotPasswordCommand({
        ClientId: provider.clientId,
        Username: email,
        ConfirmationCode: code,
        Password: password,
      }),
    );
    await admin.send(new RevokeTokenCommand({ ClientId: provider.clientId, Token: refreshToken }));
    const fresh = await signIn(email);
    await admin.send(new DeleteUserCommand({ AccessToken: fresh.accessToken }));
    // The app client prevents user-existence errors (Cognito's default): a deleted user is "incorrect".
    await expect(signIn(email)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('the user-pool signing key', () => {
  it('is generated for the data folder, served as the JWKS, kept across restarts and signs every token', async () => {
    await confirmedUser('keyed@example.com');
    const { accessToken, idToken } = await signIn('keyed@example.com');
    const [key] = provider.jwks.keys;
    expect(key?.kid).toBeDefined();
    expect(decodeProtectedHeader(accessToken).kid).toBe(key?.kid);
    expect(decodeProtectedHeader(idToken).kid).toBe(key?.kid);
    const published = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.public.json') as {
      jwk: { n: string };
    };
    expect(key?.n).not.toBe(published.jwk.n);

    const served = (await (
      await fetch(`${server.endpoint}/${provider.userPoolId}/.well-known/jwks.json`)
    ).json()) as {
      keys: Array<{ kid: string; n: string; d?: string }>;
    };
    expect(served.keys).toEqual([expect.objectContaining({ kid: key?.kid, n: key?.n })]);
    expect(served.keys[0]?.d).toBeUndefined();

    const again = new CognitoProvider(providerContext(config));
    await again.start();
    expect(again.jwks).toEqual(provider.jwks);
    await again.stop();
  });

  it('refuses an access token forged with cognito-local’s published private key', async () => {
    await confirmedUser('forged@example.com');
    const { accessToken } = await signIn('forged@example.com');
    const require = createRequire(import.meta.url);
    const keyFile = require.resolve('cognito-local/lib/keys/cognitoLocal.private.json');
    const { jwk } = JSON.parse(await readFile(keyFile, 'utf8')) as { jwk: JWK };
    const publishedKey = await importJWK(jwk, 'RS256');
    const forged = await new SignJWT(decodeJwt(accessToken))
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(publishedKey);
    await expect(admin.send(new GetUserCommand({ AccessToken: forged }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});
