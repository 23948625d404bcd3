/**
 * The CloudFront signing settings from the environment infra/cdn.ts sets (`cdnEnv`), with the
 * private key read from Secrets Manager once per container. None of them set: no CDN (the local
 * stack), S3 presigned URLs instead.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cdnEnv } from '../../contracts/function-specs.ts';
import { MissingEnvironmentError } from '../shared/env.ts';
import { tracer } from '../shared/powertools.ts';
import type { CdnSigning } from './cdn-url.ts';

let signing: Promise<CdnSigning | undefined> | undefined;

export function cdnSigningFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  secrets: () => SecretsManagerClient = () => tracer.captureAWSv3Client(new SecretsManagerClient({})),
): Promise<CdnSigning | undefined> {
  signing ??= load(env, secrets).catch((error: unknown) => {
    signing = undefined; // a failed read is retried by the next invocation, not cached
    throw error;
  });
  return signing;
}

async function load(
  env: NodeJS.ProcessEnv,
  secrets: () => SecretsManagerClient,
): Promise<CdnSigning | undefined> {
  const names = Object.values(cdnEnv);
  const set = names.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < names.length) {
    throw new MissingEnvironmentError(
      `missing environment variable(s): ${names.filter((name) => !env[name]).join(', ')}`,
    );
  }
  const { SecretString } = await secrets().send(
    new GetSecretValueCommand({ SecretId: env[cdnEnv.privateKeySecretArn] }),
  );
  if (!SecretString?.includes('PRIVATE KEY')) {
    throw new MissingEnvironmentError(
      `secret ${env[cdnEnv.privateKeySecretArn]} does not hold a PEM private key: put the CloudFront key pair's private key there`,
    );
  }
  return {
    domain: env[cdnEnv.domain] as string,
    keyPairId: env[cdnEnv.keyPairId] as string,
    privateKey: SecretString,
  };
}

/** For tests: forget the cached settings. */
export function resetCdnSigning(): void {
  signing = undefined;
}
