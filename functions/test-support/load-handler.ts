/**
 * Loads a function's handler the way its tests need it: the environment is set first, because a
 * handler module reads it (and builds its clients) at load time.
 */

/** What every handler test runs under: a silent logger, static credentials, the table and bucket. */
export const handlerTestEnv = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  TABLE_NAME: 'Images',
  BUCKET_NAME: 'darkroom-images-test',
  // Nothing listens on port 9: a step's best-effort milestone publish fails at once and is dropped.
  GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
} as const;

/**
 * Sets `handlerTestEnv` plus `overrides` on process.env, then runs `load` (the test's own
 * `() => import('./handler.ts')`, so the path resolves beside the test).
 */
export async function loadHandler<M>(
  load: () => Promise<M>,
  overrides: Record<string, string> = {},
): Promise<M> {
  Object.assign(process.env, handlerTestEnv, overrides);
  return load();
}
