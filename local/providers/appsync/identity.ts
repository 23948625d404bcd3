/** Who is calling, per AppSync auth mode, in the shape resolvers see as `ctx.identity`. */

/** The API's modes are declared once, in contracts/api-auth.ts. */
export type { ApiAuthMode as AuthMode } from '../../../contracts/api-auth.ts';

import type { ApiAuthMode as AuthMode } from '../../../contracts/api-auth.ts';

export interface CognitoIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: Record<string, unknown>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW';
  groups: string[] | null;
}

export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: null;
  cognitoIdentityId: null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: null;
  cognitoIdentityAuthProvider: null;
}

/** A caller authenticated by one mode; `identity` is null for API keys, as on AppSync. */
export type Caller =
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; identity: CognitoIdentity }
  | {
      mode: 'AWS_IAM';
      identity: IamIdentity;
      /** The signing key, whose IAM policy decides which operation fields it may call. */
      accessKeyId?: string;
    }
  | { mode: 'API_KEY'; identity: null };

/** What `util.authType()` answers for each mode. */
export const authTypeNames: Record<AuthMode, string> = {
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  AWS_IAM: 'IAM Authorization',
  API_KEY: 'API Key Authorization',
};

/** A request-level authentication failure: HTTP 401, no data. */
export class UnauthorizedRequest extends Error {
  readonly errorType = 'UnauthorizedException';
}
