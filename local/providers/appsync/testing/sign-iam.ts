/** Test support: a SigV4-signed (service `appsync`) GraphQL POST, as the pipeline's publish function sends it. */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export async function signedGraphqlRequest(
  endpoint: string,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): Promise<{ headers: Record<string, string>; body: string }> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: 'appsync', region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  return { headers: signed.headers as Record<string, string>, body };
}
