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
import { confirmationCode, type StackInfo, stackInfo, ulid } from './support.ts';

export interface TestUser {
  username: string;
  password: string;
  accessToken: string;
  /** For clients that send the ID token, as Amplify's web client does. */
  idToken: string;
  sub: string;
}

export const testPassword = 'Passw0rd!long';

/** What signing up and in needs of a stack (the shared one, or one a test started itself). */
export type CognitoStack = Pick<StackInfo, 'url' | 'accessKeyId' | 'secretAccessKey' | 'userPoolClientId'>;

function cognitoFor(stack: CognitoStack) {
  return new CognitoIdentityProviderClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  });
}

/** Signs a user in with USER_PASSWORD_AUTH (the flow the local Cognito supports) and returns the tokens. */
export async function signInUser(
  username: string,
  password = testPassword,
  stack: CognitoStack = stackInfo(),
): Promise<{ accessToken: string; idToken: string }> {
  const cognito = cognitoFor(stack);
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: stack.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const accessToken = AuthenticationResult?.AccessToken;
  const idToken = AuthenticationResult?.IdToken;
  if (!accessToken || !idToken) throw new Error(`sign-in of ${username} returned no tokens`);
  return { accessToken, idToken };
}

/** A fresh, confirmed, signed-in user `<prefix>-<ulid>@example.com`. */
export async function createUser(emailPrefix: string, stack: CognitoStack = stackInfo()): Promise<TestUser> {
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
  const tokens = await signInUser(username, password, stack);
  return { username, password, ...tokens, sub: String(decodeJwt(tokens.accessToken).sub) };
}
