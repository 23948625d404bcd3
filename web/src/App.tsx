/** Sign-in gate (Cognito, through Amplify's Authenticator) and the signed-in darkroom. */
import { Authenticator } from '@aws-amplify/ui-react';
import type { ComponentProps } from 'react';
import { type DarkroomClient, signInWithPassword } from '../../client-sdk/index.ts';
import { Darkroom } from './Darkroom.tsx';

// The SDK signs in with USER_PASSWORD_AUTH everywhere (the local Cognito has no SRP); the
// Authenticator must do the same. Its handleSignIn is typed as Amplify's overloaded signIn.
const services: ComponentProps<typeof Authenticator>['services'] = {
  handleSignIn: signInWithPassword as NonNullable<
    ComponentProps<typeof Authenticator>['services']
  >['handleSignIn'],
};

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
