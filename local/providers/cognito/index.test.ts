import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import { type ServedProvider, serveProvider } from '../../serve-provider.ts';
import { CognitoProvider } from './index.ts';

let dataDir: string;
let server: ServedProvider;
let provider: CognitoProvider;
let client: CognitoIdentityProviderClient;

async function serve(
  autoConfirm: boolean,
): Promise<{ provider: CognitoProvider; server: ServedProvider; endpoint: string }> {
  const config = loadConfig({}, { dataDir, autoConfirm, port: 0 });
  const cognito = new CognitoProvider(providerContext(config));
  await cognito.start();
  const server = await serveProvider((request) => cognito.handle(request));
  cognito.setIssuerDomain(server.endpoint);
  return { provider: cognito, server, endpoint: server.endpoint };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-cognito-'));
  const served = await serve(false);
  provider = served.provider;
  server = served.server;
  client = new CognitoIdentityProviderClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local Cognito', () => {
  it('signs up, confirms with the kept code, signs in and refreshes, issuing verifiable tokens', async () => {
    const email = 'ada@example.com';
    const signUp = await client.send(
      new SignUpCommand({
        ClientId: provider.clientId,
        Username: email,
        Password: 'Passw0rd!long',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    expect(signUp.UserConfirmed).toBe(false);
    const code = provider.codes().find((c) => c.destination === email)?.code;
    expect(code).toMatch(/^\d{6}$/);

    await client.send(
      new ConfirmSignUpCommand({ ClientId: provider.clientId, Username: email, ConfirmationCode: code }),
    );
    const signIn = await client.send(
      new InitiateAuthCommand({
        ClientId: provider.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Passw0rd!long' },
      }),
    );
    const tokens = signIn.AuthenticationResult;
    expect(tokens?.AccessToken).toBeDefined();
    const keys = createLocalJWKSet(provider.jwks);
    const access = await jwtVerify(tokens?.AccessToken ?? '', keys, { issuer: provider.issuer });
    expect(access.payload).toMatchObject({
      token_use: 'access',
      client_id: provider.clientId,
      sub: signUp.UserSub,
    });
    const id = await jwtVerify(tokens?.IdToken ?? '', keys, {
      issuer: provider.issuer,
      audience: provider.clientId,
    });
    expect(id.payload).toMatchObject({ token_use: 'id', email });

    const refreshed = await client.send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: provider.clientId,
        RefreshToken: tokens?.RefreshToken,
      }),
    );
    const again = refreshed.AuthenticationResult?.AccessToken ?? '';
    expect(decodeJwt(again).jti).not.toBe(decodeJwt(tokens?.AccessToken ?? '').jti);
    await expect(jwtVerify(again, keys, { issuer: provider.issuer })).resolves.toBeDefined();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBe(tokens?.RefreshToken);
  });

  it('answers a wrong password with NotAuthorizedException, as Cognito does', async () => {
    const email = 'grace@example.com';
    await client.send(
      new SignUpCommand({ ClientId: provider.clientId, Username: email, Password: 'Passw0rd!long' }),
    );
    const code = provider.codes().find((c) => c.destination === email)?.code;
    await client.send(
      new ConfirmSignUpCommand({ ClientId: provider.clientId, Username: email, ConfirmationCode: code }),
    );
    await expect(
      client.send(
        new InitiateAuthCommand({
          ClientId: provider.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: 'wrong-password' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('keeps the pool and client ids across restarts and confirms sign-ups itself when auto-confirm is on', async () => {
    const second = await serve(true);
    try {
      expect(second.provider.userPoolId).toBe(provider.userPoolId);
      expect(second.provider.clientId).toBe(provider.clientId);
      const other = new CognitoIdentityProviderClient({
        endpoint: second.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
      const signUp = await other.send(
        new SignUpCommand({
          ClientId: second.provider.clientId,
          Username: 'alan@example.com',
          Password: 'Passw0rd!long',
        }),
      );
      expect(signUp.UserConfirmed).toBe(true);
      const signIn = await other.send(
        new InitiateAuthCommand({
          ClientId: second.provider.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'alan@example.com', PASSWORD: 'Passw0rd!long' },
        }),
      );
      expect(signIn.AuthenticationResult?.AccessToken).toBeDefined();
      other.destroy();
    } finally {
      await second.server.close();
    }
  });
});
