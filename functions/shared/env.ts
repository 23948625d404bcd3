/** Reads a function's environment once, at module load, and fails loudly on what is missing. */
import type { FunctionEnvKey } from '../../contracts/function-specs.ts';

export class MissingEnvironmentError extends Error {
  override name = 'MissingEnvironment';
}

/** Returns the named variables, or throws naming every one that is missing or empty. */
export function readEnv<K extends FunctionEnvKey>(
  keys: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const missing = keys.filter((key) => !env[key]);
  if (missing.length > 0) {
    throw new MissingEnvironmentError(`missing environment variable(s): ${missing.join(', ')}`);
  }
  return Object.fromEntries(keys.map((key) => [key, env[key] as string])) as Record<K, string>;
}

/** Local runs point every SDK client at one endpoint; S3 then needs path-style addressing. */
export function isLocalEndpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL);
}
