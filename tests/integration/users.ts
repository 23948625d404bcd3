/**
 * Creates signed-in users on the shared local stack through Cognito's own API, whether the stack
 * auto-confirms sign-ups or not (then the code comes from the admin API, as a person reads it).
 */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { admin, type StackInfo, stackInfo, ulid } from './support.ts';

export interface TestUser {
  username: string;
  password: string;
  accessToken: string;
  sub: string;
}

interface DeliveredCode {
  username: string;
  destination: string;
  code: string;
}

export const testPassword = 'Passw0rd!long';

function cognitoFor(stack: Pick<StackInfo, 'url' | 'accessKeyId' | 'secretAccessKey'>) {
  return new CognitoIdentityProviderClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  });
}

/** The newest confirmation code delivered to `email`. */
async function confirmationCode(email: string, stack: Pick<StackInfo, 'url'>): Promise<string> {
  const codes = await admin<DeliveredCode[]>('cognito/codes', {}, stack);
  const code = codes.filter((c) => c.destination === email || c.username === email).at(-1)?.code;
  if (!code) throw new Error(`no confirmation code was delivered to ${email}`);
  return code;
}

/** Signs a user in with USER_PASSWORD_AUTH (the flow the local Cognito supports) and returns the access token. */
export async function signInUser(
  username: string,
  password = testPassword,
  stack: StackInfo = stackInfo(),
): Promise<string> {
  const cognito = cognitoFor(stack);
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: stack.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const accessToken = AuthenticationResult?.AccessToken;
  if (!accessToken) throw new Error(`sign-in of ${username} returned no access token`);
  return accessToken;
}

/** A fresh, confirmed, signed-in user `<prefix>-<ulid>@example.com`. */
export async function createUser(emailPrefix: string, stack: StackInfo = stackInfo()): Promise<TestUser> {
  const username = `${emailPrefix}-${ulid().toLowerCase()}@example.com`;
  const password = testPassword;
  const cognito = cognitoFor(stack);
  const signedUp = await cognito.send(
    new SignUpCommand({
      ClientId: stack.userPoolClientId,
      Username: username,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: username }],
    }),
  );
  if (!signedUp.UserConfirmed) {
    await cognito.send(
      new ConfirmSignUpCommand({
        ClientId: stack.userPoolClientId,
        Username: username,
        ConfirmationCode: await confirmationCode(username, stack),
      }),
    );
  }
  const accessToken = await signInUser(username, password, stack);
  return { username, password, accessToken, sub: String(decodeJwt(accessToken).sub) };
}
