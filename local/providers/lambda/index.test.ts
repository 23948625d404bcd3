import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../contracts/function-specs.ts';
import { loadConfig } from '../../config.ts';
import { startEdge } from '../../edge.ts';
import { FaultRegistry } from '../../faults.ts';
import { providerContext } from '../../provider-context.ts';
import { LambdaProvider } from './index.ts';

const testHandlers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-support');
const probeEntry = path.join(testHandlers, 'probe.ts');
const slowStartEntry = path.join(testHandlers, 'slow-start.ts');

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    folder: 'probe',
    functionName: 'probe',
    description: 'test probe',
    env: ['TABLE_NAME'],
    timeoutSeconds: 5,
    memoryMb: 256,
    localConcurrency: 2,
    ...overrides,
  };
}

let provider: LambdaProvider | undefined;

async function startProvider(
  specs: FunctionSpec[],
  options: {
    maxQueue?: number;
    faults?: FaultRegistry;
    credentialsFor?: (functionName: string) => { accessKeyId: string; secretAccessKey: string };
    prewarm?: boolean;
    spareWorkerIdleMs?: number;
    onDemandIdleMs?: number;
    entryOf?: (spec: FunctionSpec) => string;
    dataDir?: string;
  } = {},
) {
  const { dataDir = os.tmpdir(), ...rest } = options;
  provider = new LambdaProvider({
    ...providerContext(loadConfig({}, { dataDir })),
    endpoint: 'http://127.0.0.1:1',
    environment: {
      TABLE_NAME: 'Images',
      BUCKET_NAME: 'b',
      GRAPHQL_URL: 'http://g',
      TOPIC_ARN: 'arn:t',
      STATE_MACHINE_ARN: 'arn:s',
      QUEUE_URL: 'http://q',
      RETRY_BACKOFF_SCALE: '1',
    },
    specs,
    entryOf: () => probeEntry,
    functionLog: () => {},
    prewarm: false,
    ...rest,
  });
  await provider.start();
  return provider;
}

afterEach(async () => {
  await provider?.stop();
  provider = undefined;
});

describe('LambdaProvider', () => {
  it('runs an invocation that arrives while the prewarmed worker starts on that worker, not a second one', async () => {
    const lambda = await startProvider([spec({ localConcurrency: 1 })], { prewarm: true });

    await lambda.invoke('probe', {});
    await lambda.invoke('probe', {});

    expect(lambda.workerCounts()).toEqual({ probe: 1 });
  });

  it('gives a waiting invocation to the first worker free: a warm one finishing beats a cold start', async () => {
    const lambda = await startProvider([spec({ localConcurrency: 2 })], { entryOf: () => slowStartEntry });
    const warm = (await lambda.invoke('probe', {})) as { threadStartedAt: number };

    // The second finds the one worker busy: a new one starts (1.5 s), but the warm one is free first.
    const [busy, waited] = (await Promise.all([
      lambda.invoke('probe', { sleepMs: 100 }),
      lambda.invoke('probe', {}),
    ])) as { threadStartedAt: number }[];

    expect(busy?.threadStartedAt).toBe(warm.threadStartedAt);
    expect(waited?.threadStartedAt).toBe(warm.threadStartedAt);
  });

  it('ends a spare worker after its quiet spell and keeps one warm', async () => {
    const lambda = await startProvider([spec({ localConcurrency: 2 })], { spareWorkerIdleMs: 50 });
    // Two at once: the second cannot use the busy first worker, so a spare one starts.
    await Promise.all([lambda.invoke('probe', { sleepMs: 200 }), lambda.invoke('probe', { sleepMs: 200 })]);

    for (let waited = 0; lambda.workerCounts().probe !== 1 && waited < 5_000; waited += 25)
      await new Promise((resolve) => setTimeout(resolve, 25));

    expect(lambda.workerCounts()).toEqual({ probe: 1 });
    expect(await lambda.invoke('probe', { hello: 'again' })).toMatchObject({ event: { hello: 'again' } });
  });

  it('starts an on-demand function on its first invocation, not at boot, and ends its last worker when idle', async () => {
    const lambda = await startProvider(
      [spec({ localStart: 'on-demand' }), spec({ folder: 'hot', functionName: 'hot' })],
      { prewarm: true, onDemandIdleMs: 50 },
    );
    for (let waited = 0; lambda.workerCounts().hot !== 1 && waited < 5_000; waited += 25)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(lambda.workerCounts()).toEqual({ probe: 0, hot: 1 });

    // The first invocation is a cold start and still answers as a warm one would.
    expect(await lambda.invoke('probe', { first: true })).toMatchObject({
      event: { first: true },
      functionName: 'probe',
      tableName: 'Images',
    });
    expect(lambda.workerCounts().probe).toBe(1);

    for (let waited = 0; lambda.workerCounts().probe !== 0 && waited < 5_000; waited += 25)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(lambda.workerCounts()).toEqual({ probe: 0, hot: 1 });
    // And it starts again for the next one.
    expect(await lambda.invoke('probe', { again: true })).toMatchObject({ event: { again: true } });
  });

  it('runs handlers without the X-Ray SDK tracking every promise (no tracing locally)', async () => {
    const lambda = await startProvider([spec()], { entryOf: () => path.join(testHandlers, 'xray-probe.ts') });

    expect(await lambda.invoke('probe', {})).toEqual({ xrayContextTracking: false });
  });

  it('runs each function with its own credentials (its role), not the stack’s', async () => {
    const lambda = await startProvider([spec(), spec({ folder: 'other', functionName: 'other' })], {
      credentialsFor: (functionName) => ({ accessKeyId: `KEY-${functionName}`, secretAccessKey: 's' }),
    });
    expect(await lambda.invoke('probe', {})).toMatchObject({ accessKeyId: 'KEY-probe' });
    expect(await lambda.invoke('other', {})).toMatchObject({ accessKeyId: 'KEY-other' });
  });

  it('runs the handler with the env keys the spec lists and a Lambda context', async () => {
    const lambda = await startProvider([spec()]);
    const result = (await lambda.invoke('probe', { hello: 'world' })) as Record<string, unknown>;
    expect(result.event).toEqual({ hello: 'world' });
    expect(result.functionName).toBe('probe');
    expect(result.tableName).toBe('Images');
    expect(result.topicArn).toBeNull(); // not in the spec's env list
    expect(result.endpoint).toBe('http://127.0.0.1:1');
    expect(result.remainingMs).toBeGreaterThan(4000);
    expect(result.remainingMs).toBeLessThanOrEqual(5000);
  });

  it('compiles workers from a code cache under the data folder, which the handler does not see', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lambda-cache-'));
    try {
      const lambda = await startProvider([spec()], { dataDir });
      const result = (await lambda.invoke('probe', {})) as Record<string, unknown>;
      expect(result.compileCache).toBeNull();
      // Written once the handler is loaded: the next worker to start reads it.
      const cached = await readdir(path.join(dataDir, 'compile-cache'), { recursive: true });
      expect(cached.length).toBeGreaterThan(0);
    } finally {
      await provider?.stop();
      provider = undefined;
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps a worker warm between invocations', async () => {
    const lambda = await startProvider([spec()]);
    const first = (await lambda.invoke('probe', {})) as { threadStartedAt: number; awsRequestId: string };
    const second = (await lambda.invoke(
      'arn:aws:lambda:us-east-1:000000000000:function:probe',
      {},
    )) as typeof first;
    expect(second.threadStartedAt).toBe(first.threadStartedAt);
    expect(second.awsRequestId).not.toBe(first.awsRequestId);
  });

  it('throws the function error with its name as the error name', async () => {
    const lambda = await startProvider([spec()]);
    await expect(
      lambda.invoke('probe', { throwName: 'CorruptImage', message: 'not a JPEG' }),
    ).rejects.toMatchObject({
      name: 'CorruptImage',
      message: 'not a JPEG',
    });
  });

  it('terminates a worker that runs past the timeout and starts a fresh one next time', async () => {
    const lambda = await startProvider([spec({ timeoutSeconds: 1 })]);
    const before = (await lambda.invoke('probe', {})) as { threadStartedAt: number };
    const started = Date.now();
    await expect(lambda.invoke('probe', { sleepMs: 10_000 })).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 1.00 seconds',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    const after = (await lambda.invoke('probe', {})) as { threadStartedAt: number };
    expect(after.threadStartedAt).toBeGreaterThan(before.threadStartedAt);
  });

  it('queues beyond the concurrency limit and throttles beyond the queue bound', async () => {
    const lambda = await startProvider([spec({ localConcurrency: 1 })], { maxQueue: 1 });
    const running = lambda.invoke('probe', { sleepMs: 400 });
    const queued = lambda.invoke('probe', { sleepMs: 1 });
    await expect(lambda.invoke('probe', {})).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(running).resolves.toBeTruthy();
    await expect(queued).resolves.toBeTruthy();
    expect(lambda.invocationCounts().probe).toBe(2);
  });

  it('queues a burst that Lambda would run at once rather than throttle it (100 for one worker)', async () => {
    const lambda = await startProvider([spec({ localConcurrency: 1 })], { maxQueue: undefined });

    const results = await Promise.allSettled(Array.from({ length: 100 }, () => lambda.invoke('probe', {})));

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(lambda.invocationCounts().probe).toBe(100);
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    const lambda = await startProvider([spec()]);
    await expect(lambda.invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('runs $LATEST and the live alias, by name or ARN, and refuses any other qualifier without running', async () => {
    // Prepare
    const lambda = await startProvider([spec()]);
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:probe';

    // Act
    const ran = await Promise.all([
      lambda.invoke('probe:live', {}),
      lambda.invoke(`${arn}:live`, {}),
      lambda.invoke('000000000000:function:probe:$LATEST', {}),
      lambda.invoke('probe', {}, 'live'),
    ]);
    const refused = await Promise.all(
      [
        () => lambda.invoke('probe:prod', {}),
        () => lambda.invoke(`${arn}:1`, {}),
        () => lambda.invoke('probe', {}, 'canary'),
        () => lambda.invoke('probe:live', {}, 'prod'),
      ].map((call) => call().catch((error: unknown) => error)),
    );

    // Assess
    expect(ran).toHaveLength(4);
    expect(refused.map((error) => (error as Error).name)).toEqual(Array(4).fill('ResourceNotFoundException'));
    expect(refused.map((error) => (error as Error).message)).toEqual([
      `Function not found: ${arn}:prod`,
      `Function not found: ${arn}:1`,
      `Function not found: ${arn}:canary`,
      `Function not found: ${arn}:prod`,
    ]);
    expect(lambda.invocationCounts().probe).toBe(4);
  });

  it('returns a canned response from a fault without running the function', async () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'lambda', operation: 'Invoke', match: 'probe', response: { canned: true } }]);
    const lambda = await startProvider([spec()], { faults });
    await expect(lambda.invoke('probe', {})).resolves.toEqual({ canned: true });
    expect(lambda.invocationCounts().probe).toBe(0);
  });

  it('counts injected latency against the timeout: latency past it is a Sandbox.Timedout', async () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'lambda', operation: 'Invoke', match: 'probe', latencyMs: 1_200, count: 1 }]);
    const lambda = await startProvider([spec({ timeoutSeconds: 1 })], { faults });
    await expect(lambda.invoke('probe', {})).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    await expect(lambda.invoke('probe', {})).resolves.toBeTruthy();
  });

  it('leaves the function only the rest of its timeout after injected latency', async () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'lambda', operation: 'Invoke', match: 'probe', latencyMs: 600, count: 1 }]);
    const lambda = await startProvider([spec({ timeoutSeconds: 1 })], { faults });
    // 600 ms of work fits in 1 s alone, not after 600 ms of injected latency.
    await expect(lambda.invoke('probe', { sleepMs: 600 })).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
    });
    await expect(lambda.invoke('probe', { sleepMs: 600 })).resolves.toBeTruthy();
  });

  it('crashes the worker of an invocation (Runtime.ExitError) and runs the next one on a fresh worker', async () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'lambda', match: 'probe', action: 'crash', count: 1 }]);
    const lambda = await startProvider([spec()], { faults });
    await expect(lambda.invoke('probe', {})).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    await expect(lambda.invoke('probe', {})).resolves.toBeTruthy();
  });

  it('answers the Invoke REST API, with X-Amz-Function-Error for a function error', async () => {
    const lambda = await startProvider([spec()]);
    const config = loadConfig({}, { port: 0, dataDir: os.tmpdir() });
    const edge = await startEdge({
      config,
      provider: (n) => (n === 'lambda' ? lambda : undefined),
      admin: async () => {},
    });
    try {
      const client = new LambdaClient({
        endpoint: edge.url,
        region: config.region,
        credentials: config.credentials,
      });
      const ok = await client.send(
        new InvokeCommand({ FunctionName: 'probe', Payload: JSON.stringify({ n: 1 }) }),
      );
      expect(ok.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toMatchObject({ event: { n: 1 } });

      const failed = await client.send(
        new InvokeCommand({
          FunctionName: 'probe',
          Payload: JSON.stringify({ throwName: 'ImageTooLarge', message: 'too big' }),
        }),
      );
      expect(failed.FunctionError).toBe('Unhandled');
      expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({
        errorType: 'ImageTooLarge',
        errorMessage: 'too big',
      });
      await expect(client.send(new InvokeCommand({ FunctionName: 'missing' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });

      // A qualifier in the Qualifier parameter: the live alias runs, an unknown one is a 404 for
      // every invocation type, and one that breaks Lambda's pattern is a ValidationException.
      const live = await client.send(new InvokeCommand({ FunctionName: 'probe', Qualifier: 'live' }));
      expect(live.ExecutedVersion).toBe('$LATEST');
      for (const InvocationType of ['RequestResponse', 'Event', 'DryRun'] as const) {
        await expect(
          client.send(new InvokeCommand({ FunctionName: 'probe', Qualifier: 'staging', InvocationType })),
        ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
      }
      await expect(
        client.send(new InvokeCommand({ FunctionName: 'probe', Qualifier: 'no/slashes' })),
      ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      expect(lambda.invocationCounts().probe).toBe(3);
    } finally {
      await edge.close();
    }
  });
});
