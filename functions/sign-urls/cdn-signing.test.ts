import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { cdnSigningFromEnvironment, resetCdnSigning } from './cdn-signing.ts';

const pem = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
const cloudEnv = {
  CDN_DOMAIN: 'd111111abcdef8.cloudfront.net',
  CDN_KEY_PAIR_ID: 'K2JCJMDEHXQW5F',
  CDN_PRIVATE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:darkroom/cdn-private-key',
};

function secretsHolding(secret: string): { client: () => SecretsManagerClient; reads: string[] } {
  const reads: string[] = [];
  const client = {
    send: async (command: { input: { SecretId: string } }) => {
      reads.push(command.input.SecretId);
      return { SecretString: secret };
    },
  } as unknown as SecretsManagerClient;
  return { client: () => client, reads };
}

describe('cdnSigningFromEnvironment', () => {
  beforeEach(() => resetCdnSigning());

  it('is undefined with no CDN settings (the local stack signs S3 URLs)', async () => {
    const secrets = secretsHolding(pem);
    expect(await cdnSigningFromEnvironment({}, secrets.client)).toBeUndefined();
    expect(secrets.reads).toEqual([]);
  });

  it('reads the private key from Secrets Manager once per container', async () => {
    const secrets = secretsHolding(pem);
    const first = await cdnSigningFromEnvironment(cloudEnv, secrets.client);
    const second = await cdnSigningFromEnvironment(cloudEnv, secrets.client);
    expect(first).toEqual({
      domain: cloudEnv.CDN_DOMAIN,
      keyPairId: cloudEnv.CDN_KEY_PAIR_ID,
      privateKey: pem,
    });
    expect(second).toBe(first);
    expect(secrets.reads).toEqual([cloudEnv.CDN_PRIVATE_KEY_SECRET_ARN]);
  });

  it('names what is missing when only some settings are set', async () => {
    const partial = { CDN_DOMAIN: cloudEnv.CDN_DOMAIN };
    await expect(cdnSigningFromEnvironment(partial, secretsHolding(pem).client)).rejects.toThrow(
      /CDN_KEY_PAIR_ID, CDN_PRIVATE_KEY_SECRET_ARN/,
    );
  });

  it('refuses a secret that is not a private key, and retries on the next call', async () => {
    await expect(cdnSigningFromEnvironment(cloudEnv, secretsHolding('placeholder').client)).rejects.toThrow(
      /does not hold a PEM private key/,
    );
    expect(await cdnSigningFromEnvironment(cloudEnv, secretsHolding(pem).client)).toMatchObject({
      privateKey: pem,
    });
  });
});
