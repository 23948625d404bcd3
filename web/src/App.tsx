/** Sign-in gate (Cognito, through Amplify's Authenticator) and the signed-in darkroom. */
import { Authenticator } from '@aws-amplify/ui-react';
import { type SignInInput, signIn } from 'aws-amplify/auth';
import type { DarkroomClient } from '../../client-sdk/index.ts';
import { Darkroom } from './Darkroom.tsx';

// The SDK signs in with USER_PASSWORD_AUTH everywhere (the local Cognito has no SRP); the
// Authenticator must do the same.
const signInWithPassword = (input: SignInInput) =>
  signIn({ ...input, options: { ...input.options, authFlowType: 'USER_PASSWORD_AUTH' } });
// The Authenticator types handleSignIn as Amplify's overloaded signIn; ours takes the input form.
const services = { handleSignIn: signInWithPassword as typeof signIn };

export function App({ client }: { client: DarkroomClient }) {
  return (
    <Authenticator loginMechanisms={['email']} signUpAttributes={['email']} services={services}>
      {({ signOut, user }) => (
        <Darkroom
          key={user?.userId}
          client={client}
          userName={user?.signInDetails?.loginId ?? user?.username ?? ''}
          onSignOut={() => signOut?.()}
        />
      )}
    </Authenticator>
  );
}
