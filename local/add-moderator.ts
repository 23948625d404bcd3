/**
 * `npx darkroom admin add-moderator <email>` (local stack only): puts an existing user into the
 * moderators group with Cognito's AdminAddUserToGroup, signed (SigV4) with the local stack's own
 * credentials — the same call an administrator makes against the cloud pool with IAM rights. The
 * user's next sign-in carries the group in `cognito:groups`.
 */
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { names } from '../contracts/names.ts';
import { loadConfig } from './config.ts';

/** The parts of `amplify_outputs.json` this needs (the client SDK's AmplifyOutputs fits). */
export interface PoolOutputs {
  auth?: { aws_region: string; user_pool_id: string };
  custom?: { userPoolEndpoint?: string };
}

/** Only a loopback endpoint: the stack's credentials are well known and mean nothing in the cloud. */
function localEndpoint(outputs: PoolOutputs): string {
  const endpoint = outputs.custom?.userPoolEndpoint;
  const host = endpoint ? new URL(endpoint).hostname : undefined;
  if (
    !endpoint ||
    !(host?.startsWith('127.') || host === 'localhost' || host === '::1' || host === '[::1]')
  ) {
    throw new Error(
      'add-moderator works against the local stack only (amplify_outputs.json names no local Cognito endpoint); in the cloud run: aws cognito-idp admin-add-user-to-group',
    );
  }
  return endpoint;
}

export async function addModerator(outputs: PoolOutputs, email: string): Promise<void> {
  const config = loadConfig();
  if (!outputs.auth) throw new Error('amplify_outputs.json has no auth section');
  const cognito = new CognitoIdentityProviderClient({
    endpoint: localEndpoint(outputs),
    region: outputs.auth.aws_region,
    credentials: config.credentials,
  });
  try {
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: outputs.auth.user_pool_id,
        Username: email,
        GroupName: names.moderatorsGroup,
      }),
    );
  } finally {
    cognito.destroy();
  }
}
