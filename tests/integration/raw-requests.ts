/**
 * Test support: raw HTTP requests to the shared stack, unsigned or SigV4-signed for a service, so
 * that malformed input gets past the signature check to the provider it is meant for.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { stackInfo } from './support.ts';

export interface Answer {
  status: number;
  text: string;
  /** `x-amzn-errortype`, where REST services (Lambda) name the error. */
  errorType: string | null;
}

export async function request(
  path: string,
  init: RequestInit & { headers?: Record<string, string> },
): Promise<Answer> {
  const response = await fetch(`${stackInfo().url}${path}`, {
    ...init,
    // Never a hang: a request the stack does not answer fails the test.
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    text: await response.text(),
    errorType: response.headers.get('x-amzn-errortype'),
  };
}

/** A SigV4-signed request for `service`, so fuzzed input gets past the signature to the provider. */
export async function signed(
  service: string,
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer> {
  const url = new URL(stackInfo().url);
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: { accessKeyId: stackInfo().accessKeyId, secretAccessKey: stackInfo().secretAccessKey },
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const signedRequest = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query,
    headers: { ...headers, host: url.host },
    ...(body === undefined ? {} : { body }),
  });
  const search = new URLSearchParams(query).toString();
  return request(`${path}${search ? `?${search}` : ''}`, {
    method,
    headers: signedRequest.headers as Record<string, string>,
    ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body: String(body) }),
  });
}
