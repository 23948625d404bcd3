/**
 * Starts ONE local stack for the whole integration suite: a free port, data in a temp folder,
 * vision off (Rekognition answers valid empty results), and provides where it listens.
 */

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../local/config.ts';

export interface StackInfo {
  url: string;
  graphqlUrl: string;
  dataDir: string;
  userPoolId: string;
  userPoolClientId: string;
  accessKeyId: string;
  secretAccessKey: string;
  bootMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    /** The same as `stack.url`. */
    stackUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // cognito-local loads the AWS SDK v2, which prints an end-of-support notice on import.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const { startStack } = await import('../../local/stack.ts');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-integration-'));
  // The functions' and DynamoDB Local's logs go to a file: test output stays readable.
  const serviceLog = createWriteStream(path.join(dataDir, 'services.log'));
  // Sign-ups need their code (from the admin API), as for a person: tests/integration/support.ts.
  const config = loadConfig({}, { port: 0, dataDir, visionMode: 'off', autoConfirm: false });
  // The browser tests load the web client from the stack.
  const { ensureWebBuilt } = await import('../../local/build-web.ts');
  await ensureWebBuilt(() => {});
  const stack = await startStack(config, {
    writeRootOutputs: false,
    log: (line) => serviceLog.write(`${line}\n`),
    serviceLog: (line) => serviceLog.write(`${line}\n`),
    pipelineRetryDelayMs: 50,
    // dispatch's backoff between receives at 1/100: the retry-limit test reaches the DLQ in seconds.
    retryBackoffScale: 0.01,
  });
  project.provide('stackUrl', stack.url);
  project.provide('stack', {
    url: stack.url,
    graphqlUrl: stack.graphqlUrl,
    dataDir,
    userPoolId: stack.amplifyOutputs.auth.user_pool_id,
    userPoolClientId: stack.amplifyOutputs.auth.user_pool_client_id,
    accessKeyId: config.credentials.accessKeyId,
    secretAccessKey: config.credentials.secretAccessKey,
    bootMs: stack.bootMs,
  });
  return async () => {
    await stack.stop();
    serviceLog.end();
    if (!process.env.DARKROOM_KEEP_TEST_DATA) await rm(dataDir, { recursive: true, force: true });
  };
}
