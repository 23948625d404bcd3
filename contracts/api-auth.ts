/**
 * The GraphQL API's authorization modes, defined once: the CDK API is built with them and the local
 * AppSync applies the directive rules that depend on them (`@aws_auth` counts only when Cognito is
 * the sole mode).
 */
export type ApiAuthMode = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM' | 'API_KEY';

export const apiAuth = {
  defaultMode: 'AMAZON_COGNITO_USER_POOLS',
  /** The pipeline (publish, sweeper) calls the API with its IAM role. */
  additionalModes: ['AWS_IAM'],
} as const satisfies { defaultMode: ApiAuthMode; additionalModes: readonly ApiAuthMode[] };

/** Every mode the API accepts, the default first. */
export const apiAuthModes: readonly ApiAuthMode[] = [apiAuth.defaultMode, ...apiAuth.additionalModes];
