/**
 * Local Lambda: every function of contracts/function-specs.ts in its own worker thread(s), with the
 * spec's environment, timeout (enforced by terminating the worker) and a concurrency limit.
 *
 * LIMITATIONS
 * - Workers share the stack's process: memory is capped per worker (V8 heap = the spec's memory),
 *   CPU is not; native memory (sharp) is not capped.
 * - One version per function, `$LATEST`, and one alias of it, `live` (what every caller invokes in
 *   the cloud); a published version number or any other alias is ResourceNotFoundException
 *   (function-reference.ts). The context's invokedFunctionArn is always the unqualified ARN. No
 *   layers, async retries or destinations; `InvocationType: Event` runs the function in the
 *   background and forgets the result.
 * - The init phase is not timed; the timeout counts from dispatch to the worker.
 * - Each function signs with its own access key (`credentialsFor`, local/iam/local-iam.ts), so the
 *   providers check its calls against its IAM policy; the keys do not expire or rotate.
 * - No CloudFront: the CDN_* variables are not set, so signUrls signs `Image.thumbnails` URLs as
 *   presigned S3 GETs (15 minutes, a new URL per read) instead of windowed CloudFront signed URLs;
 *   no canary deployments (no CodeDeploy, no pre-traffic hook).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  type FunctionEnvKey,
  type FunctionSpec,
  functionSpecs,
  handlerEntry,
} from '../../../contracts/function-specs.ts';
import { applyLatency } from '../../faults.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { checkQualifiers, parseFunctionReference } from './function-reference.ts';
import type { InvokeMessage, ResultMessage, WorkerInit, WorkerMessage } from './protocol.ts';

export interface LambdaProviderOptions extends ProviderContext {
  /** The edge's URL (`http://127.0.0.1:PORT`): the functions' `AWS_ENDPOINT_URL`. */
  endpoint: string;
  /** Values of the env keys a spec may list (TABLE_NAME, BUCKET_NAME, GRAPHQL_URL, TOPIC_ARN). */
  environment: Record<FunctionEnvKey, string>;
  /** The functions to run; every spec of contracts/function-specs.ts unless given. */
  specs?: readonly FunctionSpec[];
  /** Where a spec's handler lives; `handlerEntry` unless given (tests run their own handlers). */
  entryOf?: (spec: FunctionSpec) => string;
  /** Receives the functions' log lines; they go to this process's stdout/stderr unless given. */
  functionLog?: (line: string) => void;
  /**
   * Invocations waiting for a free worker, per function, before TooManyRequestsException (default
   * `defaultMaxQueue`). The queue stands in for Lambda's scale-out, which a few workers cannot copy.
   */
  maxQueue?: number;
  /**
   * Start one worker at start for each function whose spec says `localStart: 'boot'` (the default),
   * so its first invocation is warm (default true). `on-demand` functions start on first use.
   */
  prewarm?: boolean;
  /** How long a spare worker (beyond one per function) stays idle before it ends (default 60 s). */
  spareWorkerIdleMs?: number;
  /** How long any worker of an `on-demand` function stays idle before it ends (default `onDemandIdleMs`). */
  onDemandIdleMs?: number;
  /** The credentials a function signs its AWS calls with (its role's); the stack's own unless given. */
  credentialsFor?: (functionName: string) => { accessKeyId: string; secretAccessKey: string };
}

/** A function error as Step Functions and AppSync see it: `name` is the errorType. */
/**
 * An Invoke request's payload, kept as the JSON text the caller sent: Lambda hands the function
 * those bytes, and serializing a parsed copy again would overflow the stack on deep nesting that
 * Lambda itself passes through.
 */
export class EventJson {
  constructor(readonly text: string) {}
}

export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly trace: string[] = [],
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Settles the invocation in flight when the worker dies or answers. */
  settle?: (message: ResultMessage | Error) => void;
  /** Ends a spare worker after its quiet spell (see FunctionPool.release). */
  idleTimer?: NodeJS.Timeout;
}

/** What an injected fault does to one invocation that still runs. */
interface InjectedTrouble {
  /** Spent before the handler runs, out of the function's timeout. */
  latencyMs?: number;
  /** The worker is killed once the invocation is handed to it. */
  crash?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiter {
  start: () => void;
}

/** An invocation waiting for a worker (FunctionPool.takeSlot). */
interface SlotWaiter {
  take: (slot: Slot) => void;
  fail: (error: unknown) => void;
}

const workerUrl = new URL('./worker.ts', import.meta.url);
/**
 * Young-generation cap per worker isolate (docs/pipeline-cpu.md: memory). `npm start` also passes
 * `--max-semi-space-size=2`, which V8 applies to every isolate of the process over this cap.
 */
export const workerYoungGenerationMb = 8;
/**
 * Lambda scales a function to 1,000 concurrent executions per account before it throttles; the
 * local pool runs `localConcurrency` at a time and queues the rest. A bound of 50 answered
 * ordinary load with 429s that AWS would never send: 32 clients listing 50 images with
 * `thumbnails { url }` queue ~100 BatchInvokes of sign-urls (bench:api saw 212 errors in 10 s).
 * A waiter costs a closure, so the bound is Lambda's own concurrency limit.
 */
export const defaultMaxQueue = 1000;
/**
 * Idle time before the last worker of an `on-demand` function ends. Below the sweeper's 60 s
 * schedule on purpose: its ~55 MB isolate is gone between runs instead of held all the time; a cold
 * start a minute costs a fraction of one image's CPU (docs/pipeline-cpu.md).
 */
export const onDemandIdleMs = 15_000;

let profiledWorkers = 0;

/**
 * `DARKROOM_WORKER_CPU_PROF=<dir>`: every worker writes a CPU profile of its thread there when it
 * ends (`<function>.<n>.cpuprofile`), as `node --cpu-prof` does for the main thread; for measuring
 * (docs/pipeline-cpu.md), off unless set.
 */
function workerProfileArgs(functionName: string): string[] {
  const dir = process.env.DARKROOM_WORKER_CPU_PROF;
  if (!dir) return [];
  profiledWorkers += 1;
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${functionName}.${profiledWorkers}.cpuprofile`,
  ];
}

/** One function's warm workers, its in-flight count and its queue. */
class FunctionPool {
  private readonly idle: Slot[] = [];
  /** Every live worker, idle, busy or starting (stop terminates them all). */
  private readonly live = new Set<Slot>();
  /** Workers still starting: each goes to the first invocation waiting when it is ready. */
  private starting = 0;
  /** Invocations waiting for a worker, served in order by whichever worker is free first. */
  private readonly waiting: SlotWaiter[] = [];
  private stopped = false;
  private active = 0;
  private readonly queue: Waiter[] = [];
  invocations = 0;

  constructor(
    readonly spec: FunctionSpec,
    private readonly entry: string,
    private readonly options: LambdaProviderOptions,
    private readonly maxQueue: number,
  ) {}

  private found = false;

  /**
   * Whether the function's code is there. Once found it is remembered: this ran a synchronous
   * stat on the main thread for every invocation. A function not built yet is looked for again.
   */
  get exists(): boolean {
    this.found ||= existsSync(this.entry);
    return this.found;
  }

  prewarm(): void {
    if (this.spec.localStart === 'on-demand') return;
    if (this.live.size === 0 && this.exists) this.startWorker();
  }

  /**
   * The worker for the next invocation: an idle one, else the first worker free. Without an idle
   * one a new worker starts beside the busy ones (as Lambda scales out), but the invocation goes
   * to whichever is free first: a warm worker finishing its invocation in a millisecond, rather
   * than always the new one's cold start of ~0.3 s (an invocation during boot takes the
   * prewarmed worker the same way; a second one beside it was ~55 MB of RSS).
   */
  private takeSlot(): Promise<Slot> {
    const idle = this.idle.pop();
    if (idle) {
      clearTimeout(idle.idleTimer);
      return Promise.resolve(idle);
    }
    const slot = new Promise<Slot>((take, fail) => this.waiting.push({ take, fail }));
    this.scaleOut();
    return slot;
  }

  /** Starts workers for invocations no starting worker will serve, up to the local concurrency. */
  private scaleOut(): void {
    if (this.stopped) return;
    while (this.waiting.length > this.starting && this.live.size < this.spec.localConcurrency)
      this.startWorker();
  }

  private startWorker(): void {
    const slot = this.spawn();
    this.starting += 1;
    slot.ready.then(
      () => {
        this.starting -= 1;
        this.offer(slot);
      },
      (error: unknown) => {
        this.starting -= 1;
        // A function that cannot start fails the invocation waiting longest, as its cold start would.
        this.waiting.shift()?.fail(error);
        this.scaleOut();
      },
    );
  }

  /** A free worker: to the invocation waiting longest, else idle. */
  private offer(slot: Slot): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.take(slot);
    else this.release(slot);
  }

  /**
   * Back to idle. A spare worker (a burst started it beside the first) ends after a quiet spell, as
   * Lambda's idle execution environments do: each is an isolate of ~55 MB in this one process. An
   * `on-demand` function keeps none: its last worker ends too, and the next invocation starts cold.
   */
  private release(slot: Slot): void {
    this.idle.push(slot);
    const onDemand = this.spec.localStart === 'on-demand';
    const keepsOne = !onDemand;
    if (keepsOne && this.live.size <= 1) return;
    const idleMs = onDemand
      ? (this.options.onDemandIdleMs ?? onDemandIdleMs)
      : (this.options.spareWorkerIdleMs ?? 60_000);
    slot.idleTimer = setTimeout(() => {
      const index = this.idle.indexOf(slot);
      if (index < 0 || (keepsOne && this.live.size <= 1)) return;
      this.idle.splice(index, 1);
      this.live.delete(slot);
      void slot.worker.terminate();
    }, idleMs).unref();
  }

  /** Live workers (idle, busy or starting), for tests. */
  get workers(): number {
    return this.live.size;
  }

  /** The V8 heap its live workers hold (physical bytes), for the benchmark. */
  async heapBytes(): Promise<number> {
    const sizes = await Promise.all(
      [...this.live].map((slot) =>
        slot.worker.getHeapStatistics().then(
          (heap) => heap.total_physical_size,
          () => 0, // ended meanwhile
        ),
      ),
    );
    return sizes.reduce((sum, bytes) => sum + bytes, 0);
  }

  async invoke(event: unknown, injected: InjectedTrouble = {}): Promise<unknown> {
    if (this.active >= this.spec.localConcurrency) {
      if (this.queue.length >= this.maxQueue) {
        throw new AwsError(
          'TooManyRequestsException',
          `Rate Exceeded. ${this.spec.functionName} is at its local concurrency`,
          429,
        );
      }
      await new Promise<void>((start) => this.queue.push({ start }));
    } else {
      this.active += 1;
    }
    try {
      return await this.run(event, injected);
    } finally {
      const next = this.queue.shift();
      if (next) next.start();
      else this.active -= 1;
    }
  }

  private async run(event: unknown, injected: InjectedTrouble): Promise<unknown> {
    this.invocations += 1;
    const timedOut = () =>
      new LambdaFunctionError(
        'Sandbox.Timedout',
        `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
      );
    // Injected latency is spent inside the invocation, as a slow network or cold start would be:
    // it counts against the function's timeout.
    const latencyMs = injected.latencyMs ?? 0;
    if (latencyMs > 0) {
      await sleep(Math.min(latencyMs, this.spec.timeoutSeconds * 1000));
      if (latencyMs >= this.spec.timeoutSeconds * 1000) throw timedOut();
    }
    const slot = await this.takeSlot();
    const awsRequestId = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000 - latencyMs;
    const message: InvokeMessage = {
      type: 'invoke',
      awsRequestId,
      event: event instanceof EventJson ? event.text : JSON.stringify(event ?? null),
      deadlineMs: Date.now() + timeoutMs,
    };
    const outcome = await new Promise<ResultMessage | Error>((resolve) => {
      const timer = setTimeout(() => {
        slot.settle = undefined;
        void slot.worker.terminate();
        resolve(timedOut());
      }, timeoutMs);
      slot.settle = (result) => {
        clearTimeout(timer);
        slot.settle = undefined;
        resolve(result);
      };
      slot.worker.postMessage(message);
      // A crashed worker dies mid-invocation: its exit settles the invocation as Runtime.ExitError.
      if (injected.crash) void slot.worker.terminate();
    });
    if (outcome instanceof Error) throw outcome; // the worker is gone; the next run spawns a fresh one
    this.offer(slot);
    if (!outcome.ok) throw new LambdaFunctionError(outcome.errorType, outcome.errorMessage, outcome.trace);
    return JSON.parse(outcome.payload) as unknown;
  }

  private spawn(): Slot {
    const { config, endpoint, environment, functionLog: log } = this.options;
    const credentials = this.options.credentialsFor?.(this.spec.functionName) ?? config.credentials;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      AWS_REGION: config.region,
      AWS_DEFAULT_REGION: config.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: endpoint,
      AWS_LAMBDA_FUNCTION_NAME: this.spec.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      POWERTOOLS_SERVICE_NAME: this.spec.functionName,
      // No X-Ray locally (Powertools turns tracing off outside Lambda), but the X-Ray SDK it loads
      // starts in automatic mode: a cls-hooked async hook that runs on every promise of the worker
      // and tracks each one's destruction through the GC. Manual mode tracks nothing; the
      // handlers' code is the same (docs/pipeline-cpu.md).
      AWS_XRAY_MANUAL_MODE: 'true',
    };
    for (const key of this.spec.env) env[key] = environment[key];
    // Node's on-disk V8 code cache (worker.ts hides the variable from the handler): every worker
    // loads the same SDK, Powertools and zod modules, and compiling them was most of a worker's
    // ≈ 0.3 CPU-s start (sign-urls ≈ 300 → ≈ 170 ms ready). Under the data folder, so a restart
    // finds it warm; Node checks each entry against its module's source.
    env.NODE_COMPILE_CACHE = path.join(config.dataDir, 'compile-cache');
    const workerData: WorkerInit = {
      entry: this.entry,
      functionName: this.spec.functionName,
      memoryMb: this.spec.memoryMb,
      region: config.region,
      accountId: config.accountId,
    };
    const worker = new Worker(workerUrl, {
      // The thread's name in the OS too (/proc, top -H, profilers): CPU per function is measurable.
      name: this.spec.functionName,
      workerData,
      env,
      // Node strips the handlers' types itself: no tsx loader (and its esbuild transforms) per worker.
      // Measured on a 32-concurrent burst (bench:pipeline): stack RSS 1,995 → 1,764 MB.
      execArgv: workerProfileArgs(this.spec.functionName),
      resourceLimits: {
        maxOldGenerationSizeMb: this.spec.memoryMb,
        // V8 sizes each isolate's young generation for a whole machine (up to 3 × 16 MB semi-spaces
        // once busy); a dozen and more workers share this process, so each gets a small one.
        maxYoungGenerationSizeMb: workerYoungGenerationMb,
      },
      stdout: log !== undefined,
      stderr: log !== undefined,
    });
    if (log) {
      for (const stream of [worker.stdout, worker.stderr] as Readable[]) {
        createInterface({ input: stream }).on('line', (line) => log(`[${this.spec.functionName}] ${line}`));
      }
    }
    const slot: Slot = { worker, ready: Promise.resolve() };
    this.live.add(slot);
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error')
          reject(new LambdaFunctionError(message.errorType, message.errorMessage));
        else slot.settle?.(message);
      });
      const fail = (error: Error) => {
        this.discard(slot);
        reject(error);
        slot.settle?.(error);
      };
      worker.on('error', (error) =>
        fail(
          new LambdaFunctionError('Runtime.ExitError', `${this.spec.functionName} crashed: ${error.message}`),
        ),
      );
      worker.on('exit', (code) =>
        fail(new LambdaFunctionError('Runtime.ExitError', `RequestId: exited with code ${code}`)),
      );
    });
    slot.ready.catch(() => {});
    return slot;
  }

  private discard(slot: Slot): void {
    this.live.delete(slot);
    const index = this.idle.indexOf(slot);
    if (index >= 0) this.idle.splice(index, 1);
    // Invocations waiting on the worker that ended get another.
    this.scaleOut();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.idle.splice(0);
    for (const waiter of this.waiting.splice(0))
      waiter.fail(new LambdaFunctionError('Runtime.ExitError', `${this.spec.functionName} stopped`));
    const slots = [...this.live];
    this.live.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

export class LambdaProvider implements Provider {
  readonly name = 'lambda';
  private readonly pools = new Map<string, FunctionPool>();
  private started = false;

  constructor(private readonly options: LambdaProviderOptions) {
    const specs = options.specs ?? Object.values(functionSpecs);
    const entryOf = options.entryOf ?? handlerEntry;
    for (const spec of specs) {
      this.pools.set(
        spec.functionName,
        new FunctionPool(spec, entryOf(spec), options, options.maxQueue ?? defaultMaxQueue),
      );
    }
  }

  async start(): Promise<void> {
    this.started = true;
    if (this.options.prewarm ?? true) for (const pool of this.pools.values()) pool.prewarm();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  async reset(): Promise<void> {}

  health(): ProviderHealth {
    const missing = [...this.pools.values()].filter((pool) => !pool.exists).map((pool) => pool.spec.folder);
    const detail =
      missing.length > 0 ? `no handler yet for: ${missing.join(', ')}` : `${this.pools.size} functions`;
    return { ready: this.started, detail };
  }

  /** Live workers per function (memory: each is an isolate of its own). */
  workerCounts(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([name, pool]) => [name, pool.workers]));
  }

  /** The V8 heap of each function's live workers (physical bytes): where a worker's memory sits. */
  async workerHeapBytes(): Promise<Record<string, number>> {
    const pools = [...this.pools];
    const bytes = await Promise.all(pools.map(([, pool]) => pool.heapBytes()));
    return Object.fromEntries(pools.map(([name], index) => [name, bytes[index] ?? 0]));
  }

  /** How many times each function ran (tests check that a duplicate event did no work). */
  invocationCounts(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([name, pool]) => [name, pool.invocations]));
  }

  /**
   * Runs a function (by name, partial ARN or ARN, each optionally `:qualifier`; or with the Qualifier
   * parameter) and returns its JSON result; a function error is thrown as a LambdaFunctionError
   * whose `name` is the errorType; throttling is a TooManyRequestsException; a function or qualifier
   * the stack does not have is Lambda's ResourceNotFoundException.
   */
  async invoke(functionName: string, payload: unknown, qualifier?: string): Promise<unknown> {
    const { name, pool } = this.resolve(functionName, qualifier);
    const fault = this.options.faults.find('lambda', 'Invoke', [name]);
    if (fault?.error) {
      await applyLatency(fault);
      throw new AwsError(fault.error, fault.message ?? `injected fault on ${name}`, fault.status ?? 400);
    }
    if (fault && 'response' in fault) {
      await applyLatency(fault);
      return fault.response;
    }
    return pool.invoke(payload, {
      ...(fault?.latencyMs ? { latencyMs: fault.latencyMs } : {}),
      ...(fault?.action === 'crash' ? { crash: true } : {}),
    });
  }

  /** The function an Invoke names, or the error Lambda answers when it names nothing here. */
  private resolve(functionName: string, qualifier?: string): { name: string; pool: FunctionPool } {
    const reference = parseFunctionReference(functionName, qualifier);
    const pool = this.pools.get(reference.name);
    if (!pool?.exists) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: ${this.functionArn(reference.name)}`,
        404,
      );
    }
    checkQualifiers(reference, (name) => this.functionArn(name));
    return { name: reference.name, pool };
  }

  private functionArn(name: string): string {
    const { region, accountId } = this.options.config;
    return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  }

  /** The Invoke REST API: `POST /2015-03-31/functions/{name}/invocations[?Qualifier=…]`. */
  async handle({ req, res, url, body }: EdgeRequest): Promise<void> {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      sendJson(res, status, payload, headers);
    if (!match || req.method !== 'POST') {
      send(
        404,
        { message: `Unsupported Lambda operation: ${req.method} ${url.pathname}` },
        { 'x-amzn-errortype': 'UnknownOperationException' },
      );
      return;
    }
    let functionName: string;
    try {
      functionName = decodeURIComponent(match[1] ?? '');
    } catch {
      send(
        400,
        { Type: 'User', message: 'The function name is not a valid percent-encoded string.' },
        { 'x-amzn-errortype': 'InvalidParameterValueException' },
      );
      return;
    }
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    let event: EventJson;
    try {
      const text = body.length > 0 ? body.toString('utf8') : '{}';
      JSON.parse(text);
      event = new EventJson(text);
    } catch {
      send(
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
      );
      return;
    }
    try {
      if (invocationType === 'DryRun' || invocationType === 'Event') {
        // Both answer for the function and qualifier first, as Lambda does, before anything runs.
        this.resolve(functionName, qualifier);
        if (invocationType === 'Event') this.invoke(functionName, event, qualifier).catch(() => {});
        res.writeHead(invocationType === 'Event' ? 202 : 204).end();
        return;
      }
      const result = await this.invoke(functionName, event, qualifier);
      send(200, result, { 'x-amz-executed-version': '$LATEST' });
    } catch (error) {
      if (error instanceof AwsError) {
        send(error.status, { Type: 'User', message: error.message }, { 'x-amzn-errortype': error.code });
      } else if (error instanceof LambdaFunctionError) {
        send(
          200,
          { errorType: error.errorType, errorMessage: error.message, trace: error.trace },
          { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
        );
      } else {
        throw error;
      }
    }
  }
}
