/**
 * Signed GraphQL calls to AppSync with IAM: each POST is SigV4-signed for service `appsync`,
 * transient failures (network, 429, 5xx) are retried with exponential backoff and full jitter, and
 * an HTTP 200 whose body carries `errors` is a failure like any other.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { MissingEnvironmentError } from './env.ts';
import { PublishFailedError } from './errors.ts';
import { httpPost, type PostAnswer, type PostRequest } from './http-post.ts';

export interface AppSyncClientOptions {
  /** The GraphQL endpoint, e.g. https://xyz.appsync-api.us-east-1.amazonaws.com/graphql. */
  url: string;
  region: string;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** Sends one signed attempt; node:http on a keep-alive agent unless given (tests script it). */
  post?: (request: PostRequest) => Promise<PostAnswer>;
  /** Total attempts, the first included. */
  attempts?: number;
  /** An attempt with no answer by then is abandoned and counts as a network failure. */
  attemptTimeoutMs?: number;
  /** The first retry waits up to this long; each further retry doubles it. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface GraphQLError {
  message: string;
  errorType?: string;
  path?: ReadonlyArray<string | number>;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

export interface AppSyncClient {
  /** Sends one operation and returns its `data`; throws PublishFailedError on any failure. */
  request<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** An HTTP answer worth another try: throttling or a server-side failure. */
function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAppSyncClient(options: AppSyncClientOptions): AppSyncClient {
  const endpoint = new URL(options.url);
  const post = options.post ?? httpPost;
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 8000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const signer = new SignatureV4({
    service: 'appsync',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });

  async function signedPost(body: string): Promise<PostAnswer> {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: endpoint.pathname,
      query: Object.fromEntries(endpoint.searchParams),
      headers: { host: endpoint.host, 'content-type': 'application/json' },
      body,
    });
    // The transport sets Host from the URL itself (the same value that was signed).
    const { host: _host, ...headers } = signed.headers;
    return post({ url: endpoint, headers, body, signal: AbortSignal.timeout(attemptTimeoutMs) });
  }

  async function request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ query, variables });
    let lastFailure = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) {
        // Full jitter: spreads the retries of many executions that failed together.
        await sleep(Math.floor(random() * baseDelayMs * 2 ** (attempt - 2)));
      }
      let status: number;
      let text: string;
      try {
        // Signed per attempt: a signature is only valid for a few minutes.
        ({ status, text } = await signedPost(body));
      } catch (error) {
        lastFailure = `no answer: ${error instanceof Error ? error.message : String(error)}`;
        continue;
      }
      if (isTransientStatus(status)) {
        lastFailure = `HTTP ${status}: ${text.slice(0, 300)}`;
        continue;
      }
      if (status < 200 || status > 299) {
        throw new PublishFailedError(`AppSync answered HTTP ${status}: ${text.slice(0, 300)}`);
      }
      let parsed: GraphQLResponse<T>;
      try {
        parsed = JSON.parse(text) as GraphQLResponse<T>;
      } catch (error) {
        throw new PublishFailedError(`AppSync answered with a body that is not JSON: ${text.slice(0, 300)}`, {
          cause: error,
        });
      }
      if (parsed.errors && parsed.errors.length > 0) {
        const messages = parsed.errors.map((e) => (e.errorType ? `${e.errorType}: ${e.message}` : e.message));
        throw new PublishFailedError(`AppSync answered with errors: ${messages.join('; ')}`, {
          cause: parsed.errors,
        });
      }
      if (parsed.data === undefined || parsed.data === null) {
        throw new PublishFailedError('AppSync answered without data');
      }
      return parsed.data;
    }
    throw new PublishFailedError(`AppSync call failed after ${attempts} attempts; last: ${lastFailure}`);
  }

  return { request };
}

/**
 * The client a Lambda function uses: region from AWS_REGION (set by Lambda and by the local stack),
 * credentials from the default provider chain (the function's role, or the local stack's keys).
 */
export function appSyncClientFromEnvironment(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  retries: Pick<AppSyncClientOptions, 'attempts' | 'attemptTimeoutMs'> = {},
): AppSyncClient {
  const region = env.AWS_REGION;
  if (!region) throw new MissingEnvironmentError('missing environment variable(s): AWS_REGION');
  return createAppSyncClient({ url, region, credentials: defaultProvider(), ...retries });
}
