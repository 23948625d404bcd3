/**
 * The sign-in pieces web and CLI need from Amplify, owned here so no client imports aws-amplify
 * directly: the password flow (USER_PASSWORD_AUTH works against Cognito and the local stack alike;
 * the local one has no SRP) and where Amplify keeps its tokens (a file for the CLI).
 */
import { type SignInInput, signIn } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';

/** Amplify's token storage contract (its KeyValueStorageInterface). */
export interface KeyValueStorage {
  setItem(key: string, value: string): Promise<void>;
  getItem(key: string): Promise<string | null>;
  removeItem(key: string): Promise<void>;
  clear(): Promise<void>;
}

/** signIn with the password flow, whatever the caller's options say; the Authenticator's handleSignIn. */
export const signInWithPassword = (input: SignInInput) =>
  signIn({ ...input, options: { ...input.options, authFlowType: 'USER_PASSWORD_AUTH' } });

/** Where Amplify keeps the session's tokens (its Node default is memory only). */
export function keepTokensIn(storage: KeyValueStorage): void {
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
}
