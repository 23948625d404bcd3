/**
 * `npm run bench:pipeline`: end-to-end throughput of the local pipeline against the thumbnail
 * step's own ceiling, measured in the same run (issue 17).
 *
 * 1. Ceiling: the read-once JPEG + WebP renditions (bench:thumbnails' module variant) of the
 *    benchmark photo, 2 concurrent workers, in this process before the stack starts.
 * 2. A stack in its own process (bench/pipeline-stack.ts, vision off). Each upload is the client's
 *    whole flow: requestUpload through GraphQL, the presigned POST of a 2 MP photographic JPEG made
 *    from ../shared/fixtures/photos, then the terminal `onImageProcessed` event on a real-time
 *    subscription (POST→event is timed from the POST's start).
 * 3. Bursts (closed loop: N clients each upload the next image once theirs finished) and steady
 *    open-loop rates; per phase: images/min, terminal statuses, p50/p95 POST→event, peak RSS of the
 *    whole stack (main process, its children and DynamoDB Local's JVM, sampled from /proc), CPU-ms per
 *    image per process and per thread (main thread, each function's worker thread, libuv/libvips/V8
 *    threads, the JVM, this client), and calls per image (edge requests per service and operation,
 *    in-process DynamoDB calls, Lambda invocations, JSON round trips on the main thread).
 * 4. The milestones alone (bench/milestones-alone.ts): the progress calls the steps make per image,
 *    for BENCH_MILESTONE_IMAGES=200 PROCESSING images, driven from this process against the same
 *    stack; their CPU-ms per image (stack, JVM and this process) against the pipeline's at 32
 *    concurrent, which includes them: issue 19's "within 10 %".
 * 5. The targets and whether each is met. Never asserts; exits 0.
 *
 * Sizes (env): BENCH_BURSTS=4,32 (concurrencies)  BENCH_BURST_IMAGES (per burst; 4 × concurrency)
 *   BENCH_STEADY_RATES=600,1000 (images/min)  BENCH_STEADY_SECONDS=30  BENCH_CEILING_IMAGES=40
 *   BENCH_WARMUP_IMAGES=12  BENCH_WIDTH=1732 BENCH_HEIGHT=1155  BENCH_EVENT_TIMEOUT_SECONDS=180
 *   BENCH_CPU_PROF=<dir>: a CPU profile of the stack's main thread per phase, in <dir>
 *   (<phase>.cpuprofile: open in Chrome DevTools, or summarise with bench/cpu-profile-summary.ts).
 * Tiny check: BENCH_BURSTS=2 BENCH_BURST_IMAGES=4 BENCH_STEADY_RATES=60 BENCH_STEADY_SECONDS=5 BENCH_CEILING_IMAGES=4 BENCH_WARMUP_IMAGES=4
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import sharp from 'sharp';
import WebSocket from 'ws';
import { functionSpecs } from '../contracts/function-specs.ts';
import { renderThumbnails } from '../functions/thumbnails/renditions.ts';
import { preparedMilestones } from './milestones-alone.ts';
import { photographicJpeg } from './photographic-jpeg.ts';
import { descendantsOf, processTime, rssBytes, threadTimes } from './proc-stats.ts';

const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const bursts = list(process.env.BENCH_BURSTS, '4,32');
const burstImages = (concurrency: number) => Number(process.env.BENCH_BURST_IMAGES ?? 4 * concurrency);
const steadyRates = list(process.env.BENCH_STEADY_RATES, '600,1000');
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const ceilingImages = Number(process.env.BENCH_CEILING_IMAGES ?? 40);
const warmupImages = Number(process.env.BENCH_WARMUP_IMAGES ?? 12);
const width = Number(process.env.BENCH_WIDTH ?? 1732);
const height = Number(process.env.BENCH_HEIGHT ?? 1155);
const eventTimeoutMs = Number(process.env.BENCH_EVENT_TIMEOUT_SECONDS ?? 180) * 1000;
const cpuProfDir = process.env.BENCH_CPU_PROF;
const milestoneImages = Number(process.env.BENCH_MILESTONE_IMAGES ?? 200);

const targets = { ratio: 0.6, ratioConcurrency: 32, p95Ms: 3000, p95Rate: 600, rssBytes: 1.2e9 };
/** Issue 19: the milestones' cost stays within 10 % of the pipeline's (CPU per image, 32 concurrent). */
const milestoneShareTarget = 0.1;
/** Upload tickets per user and UTC day are capped (the default quota): spread uploads over users. */
const uploadsPerUser = 2000;
const password = 'Passw0rd!long';

interface StackInfo {
  pid: number;
  url: string;
  graphqlUrl: string;
  userPoolClientId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

// ---------------------------------------------------------------- the ceiling

/** The thumbnail step alone: read-once JPEG + WebP renditions, 2 concurrent workers. */
async function thumbnailCeiling(originals: readonly Buffer[]) {
  sharp.cache(false); // distinct uploads never hit libvips' operation cache
  const render = (index: number) =>
    renderThumbnails(originals[index % originals.length] as Buffer, { formats: ['JPEG', 'WEBP'] });
  for (let i = 0; i < 4; i += 1) await render(i); // warm-up
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    [0, 1].map(async () => {
      while (next < ceilingImages) {
        next += 1;
        await render(next);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return {
    perMinute: (ceilingImages / elapsedMs) * 60_000,
    cpuMsPerImage: (cpu.user + cpu.system) / 1000 / ceilingImages,
  };
}

// ---------------------------------------------------------------- the stack process

const tsx = createRequire(import.meta.url).resolve('tsx/esm');

async function startStackProcess(dataDir: string) {
  // As `npm start` runs the stack (package.json): 2 MB semi-spaces for every isolate of the process
  // (docs/pipeline-cpu.md: the main thread's young generation alone had grown to ≈ 100 MB).
  const args = [
    '--max-semi-space-size=2',
    '--import',
    tsx,
    path.join(import.meta.dirname, 'pipeline-stack.ts'),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DARKROOM_DATA_DIR: dataDir,
      DARKROOM_PORT: '0',
      DARKROOM_VISION: 'off',
      DARKROOM_AUTO_CONFIRM: 'true',
      // As `npm start` runs the stack (package.json): glibc's per-thread malloc arenas, with
      // libvips' threads in one process, fragment into hundreds of MB of RSS.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.(line);
  });
  const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the stack process exited (${code})`))),
  );
  const info = JSON.parse(await Promise.race([nextLine(), exited])) as StackInfo;
  /** Sends one command line; resolves with its one-line JSON answer. */
  const command = async (text: string) => {
    const line = nextLine();
    child.stdin?.write(`${text}\n`);
    return JSON.parse(await line) as Record<string, unknown>;
  };
  const counters = async () => (await command('counters')).counters as Record<string, number>;
  return { child, info, counters, command };
}

async function stopStackProcess(child: ChildProcess, dataDir: string) {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  }
  // A stack that did not stop cleanly leaves DynamoDB Local running on the data folder.
  const pid = Number(await readFile(path.join(dataDir, 'dynamodb', 'java.pid'), 'utf8').catch(() => ''));
  const commandLine = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
  if (commandLine.includes('DynamoDBLocal.jar') && commandLine.includes(dataDir))
    process.kill(pid, 'SIGKILL');
}

// ---------------------------------------------------------------- users and their events

interface Terminal {
  status: string;
  at: number;
}

interface User {
  accessToken: string;
  /** Resolves with the image's terminal event (or NO EVENT after the timeout). */
  terminal(id: string): Promise<Terminal>;
  close(): void;
}

async function createUser(stack: StackInfo, index: number): Promise<User> {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  });
  const username = `bench-${index}-${Date.now()}@example.com`;
  await cognito.send(
    new SignUpCommand({
      ClientId: stack.userPoolClientId,
      Username: username,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: username }],
    }),
  );
  const auth = await cognito.send(
    new InitiateAuthCommand({
      ClientId: stack.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  cognito.destroy();
  const accessToken = auth.AuthenticationResult?.AccessToken ?? '';
  const authorization = { Authorization: accessToken, host: new URL(stack.url).host };

  // The real-time protocol AppSync speaks: one socket, one subscription to all the user's images.
  const header = Buffer.from(JSON.stringify(authorization)).toString('base64url');
  const socket = new WebSocket(`${stack.url.replace(/^http/, 'ws')}/graphql/realtime`, [
    'graphql-ws',
    `header-${header}`,
  ]);
  const arrived = new Map<string, Terminal>();
  const waiters = new Map<string, (terminal: Terminal) => void>();
  let acknowledged: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    acknowledged = resolve;
  });
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as {
      type: string;
      payload?: { data?: { onImageProcessed?: { id: string; status: string } } };
    };
    if (frame.type === 'connection_ack') {
      socket.send(
        JSON.stringify({
          type: 'start',
          id: 'images',
          payload: {
            data: JSON.stringify({ query: 'subscription { onImageProcessed { id status } }', variables: {} }),
            extensions: { authorization },
          },
        }),
      );
    } else if (frame.type === 'start_ack') {
      acknowledged();
    } else if (frame.type === 'data') {
      const image = frame.payload?.data?.onImageProcessed;
      if (!image) return;
      const terminal = { status: image.status, at: performance.now() };
      const waiter = waiters.get(image.id);
      if (waiter) {
        waiters.delete(image.id);
        waiter(terminal);
      } else arrived.set(image.id, terminal);
    } else if (frame.type === 'error' || frame.type === 'connection_error') {
      console.error(`real-time error: ${JSON.stringify(frame)}`);
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await started;
  return {
    accessToken,
    terminal(id) {
      const early = arrived.get(id);
      if (early) {
        arrived.delete(id);
        return Promise.resolve(early);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve({ status: 'NO EVENT', at: performance.now() });
        }, eventTimeoutMs);
        waiters.set(id, (terminal) => {
          clearTimeout(timer);
          resolve(terminal);
        });
      });
    },
    close: () => socket.close(),
  };
}

// ---------------------------------------------------------------- one upload

let uploadSerial = 0;

/**
 * The original with a JPEG comment (COM segment) naming this upload after its start-of-image
 * marker: the same pixels and decode cost, distinct bytes. The pipeline recognises bytes it has
 * processed (duplicates reuse the earlier analysis and thumbnails): identical uploads would measure
 * that shortcut, not the work.
 */
function distinctJpeg(original: Buffer): Buffer {
  const comment = Buffer.from(`bench upload ${process.pid}-${Date.now()}-${uploadSerial++}`);
  const length = comment.length + 2; // the length field counts itself
  const segment = Buffer.from([0xff, 0xfe, length >> 8, length & 0xff]);
  return Buffer.concat([original.subarray(0, 2), segment, comment, original.subarray(2)]);
}

interface UploadResult {
  status: string;
  /** POST start → terminal event. */
  latencyMs: number;
}

async function uploadOne(stack: StackInfo, user: User, original: Buffer): Promise<UploadResult> {
  const jpeg = distinctJpeg(original);
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user.accessToken },
    body: JSON.stringify({
      query:
        'mutation U($input: RequestUploadInput!) { requestUpload(input: $input) { image { id } url fields } }',
      variables: { input: { fileName: 'bench.jpg', contentType: 'image/jpeg', size: jpeg.length } },
    }),
  });
  const body = (await response.json()) as {
    data?: { requestUpload: { image: { id: string }; url: string; fields: string } };
    errors?: unknown;
  };
  if (!body.data)
    return { status: `requestUpload: ${JSON.stringify(body.errors)}`.slice(0, 80), latencyMs: 0 };
  const { image, url, fields } = body.data.requestUpload;
  const form = new FormData();
  for (const [name, value] of Object.entries(JSON.parse(fields) as Record<string, string>))
    form.append(name, value);
  form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'bench.jpg');
  const posted = performance.now();
  const terminal = user.terminal(image.id);
  const post = await fetch(url, { method: 'POST', body: form });
  await post.arrayBuffer();
  if (post.status !== 204) return { status: `POST ${post.status}`, latencyMs: 0 };
  const { status, at } = await terminal;
  return { status, latencyMs: at - posted };
}

// ---------------------------------------------------------------- measuring a phase

/** CPU ms so far: each stack thread (by tid), the stack process as a whole, each child process, this client. */
interface CpuSnapshot {
  threads: Map<number, { group: string; cpuMs: number }>;
  stackMs: number;
  processes: Map<string, number>;
}

function cpuSnapshot(stackPid: number): CpuSnapshot {
  const functionNames = Object.values(functionSpecs).map((spec) => spec.functionName);
  const threads = new Map<number, { group: string; cpuMs: number }>();
  for (const thread of threadTimes(stackPid)) {
    // Worker threads carry their function's name (truncated to 15 characters by the kernel).
    const fn = thread.comm.startsWith('darkroom-')
      ? functionNames.find((name) => name.startsWith(thread.comm))
      : undefined;
    const group =
      thread.tid === stackPid
        ? 'stack: main thread'
        : fn
          ? `stack: λ ${fn.replace(/^darkroom-/, '')} thread`
          : `stack: ${thread.comm} threads`;
    threads.set(thread.tid, { group, cpuMs: thread.cpuMs });
  }
  const processes = new Map<string, number>();
  for (const pid of descendantsOf(stackPid)) {
    const child = processTime(pid);
    if (child) {
      const name = child.comm === 'java' ? 'DynamoDB Local JVM' : `process ${child.comm}`;
      processes.set(name, (processes.get(name) ?? 0) + child.cpuMs);
    }
  }
  processes.set('client (this process)', processTime(process.pid)?.cpuMs ?? 0);
  return { threads, stackMs: processTime(stackPid)?.cpuMs ?? 0, processes };
}

/** CPU ms spent between two snapshots, per group; threads that ended meanwhile are one group. */
function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const spent = new Map<string, number>();
  const add = (group: string, ms: number) => spent.set(group, (spent.get(group) ?? 0) + ms);
  let threadsMs = 0;
  for (const [tid, thread] of after.threads) {
    const ms = thread.cpuMs - (before.threads.get(tid)?.cpuMs ?? 0);
    threadsMs += ms;
    add(thread.group, ms);
  }
  add('stack: threads that ended', after.stackMs - before.stackMs - threadsMs);
  for (const [name, ms] of after.processes) add(name, ms - (before.processes.get(name) ?? 0));
  return spent;
}

/** Resident memory of the stack: its own process and each child (DynamoDB Local's JVM). */
function stackRss(stackPid: number): Map<string, number> {
  const rss = new Map<string, number>([['stack process', rssBytes(stackPid)]]);
  for (const pid of descendantsOf(stackPid)) {
    const comm = processTime(pid)?.comm ?? '?';
    const name = comm === 'java' ? 'DynamoDB Local JVM' : `process ${comm}`;
    rss.set(name, (rss.get(name) ?? 0) + rssBytes(pid));
  }
  return rss;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

interface PhaseResult {
  name: string;
  images: number;
  perMinute: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  peakRss: number;
  /** Each process's own peak (they need not peak together). */
  peakRssByProcess: Map<string, number>;
  endRss: number;
  cpuMsPerImage: Map<string, number>;
  callsPerImage: Map<string, number>;
  /** The most live Lambda workers (isolates) per function during the phase. */
  peakWorkers: Record<string, number>;
  /** The most V8 heap (physical bytes) per function's workers and the main thread, sampled each second. */
  peakHeaps: Record<string, number>;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

async function measure(
  name: string,
  stack: Awaited<ReturnType<typeof startStackProcess>>,
  run: () => Promise<UploadResult[]>,
): Promise<PhaseResult> {
  const pid = stack.info.pid;
  let peakRss = 0;
  const peakRssByProcess = new Map<string, number>();
  const sample = () => {
    const rss = stackRss(pid);
    peakRss = Math.max(peakRss, sum(rss.values()));
    for (const [name, bytes] of rss)
      peakRssByProcess.set(name, Math.max(peakRssByProcess.get(name) ?? 0, bytes));
  };
  sample();
  const sampler = setInterval(sample, 250);
  const counters0 = await stack.counters();
  await stack.command('workers');
  if (cpuProfDir) await stack.command('profile-start');
  const cpu0 = cpuSnapshot(pid);
  const started = performance.now();
  const results = await run();
  const elapsedMs = performance.now() - started;
  const cpu1 = cpuSnapshot(pid);
  if (cpuProfDir)
    await stack.command(
      `profile-stop ${path.join(cpuProfDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`)}`,
    );
  const counters1 = await stack.counters();
  const { workers: peakWorkers, heaps: peakHeaps } = (await stack.command('workers')) as {
    workers: Record<string, number>;
    heaps: Record<string, number>;
  };
  clearInterval(sampler);
  sample();
  const endRss = sum(stackRss(pid).values());

  const images = results.length;
  const statuses: Record<string, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  const latencies = results
    .filter((r) => r.latencyMs > 0 && r.status !== 'NO EVENT')
    .map((r) => r.latencyMs)
    .sort((a, b) => a - b);
  const cpuMsPerImage = new Map<string, number>();
  for (const [group, ms] of cpuSpent(cpu0, cpu1)) cpuMsPerImage.set(group, ms / images);
  const callsPerImage = new Map<string, number>();
  for (const [counter, n] of Object.entries(counters1))
    callsPerImage.set(counter, (n - (counters0[counter] ?? 0)) / images);
  return {
    name,
    images,
    perMinute: (images / elapsedMs) * 60_000,
    statuses,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    peakRss,
    peakRssByProcess,
    endRss,
    cpuMsPerImage,
    callsPerImage,
    peakWorkers,
    peakHeaps,
  };
}

/** Closed loop: `concurrency` clients, each uploading its next image once its last one finished. */
async function burst(
  stack: StackInfo,
  users: () => User,
  originals: readonly Buffer[],
  concurrency: number,
  total = burstImages(concurrency),
) {
  let next = 0;
  const results: UploadResult[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        results.push(await uploadOne(stack, users(), originals[index % originals.length] as Buffer));
      }
    }),
  );
  return results;
}

/** Open loop: one upload every 60/rate s for the duration, whatever the stack's state. */
async function steady(stack: StackInfo, users: () => User, originals: readonly Buffer[], perMinute: number) {
  const total = Math.max(1, Math.round((perMinute * steadySeconds) / 60));
  const intervalMs = 60_000 / perMinute;
  const started = performance.now();
  const uploads: Promise<UploadResult>[] = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    uploads.push(uploadOne(stack, users(), originals[index % originals.length] as Buffer));
  }
  return Promise.all(uploads);
}

// ---------------------------------------------------------------- the report

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const ms = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : '–');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface MilestoneCost {
  images: number;
  cpuMsPerImage: number;
  /** Images whose THUMBNAILS_READY did not find its lease (each should). */
  wrong: number;
}

/** The milestones of `milestoneImages` images, after a few unmeasured: CPU-ms per image, every process. */
async function milestonesAlone(stack: StackInfo): Promise<MilestoneCost> {
  const warmUp = await preparedMilestones(stack, 20);
  await warmUp();
  const run = await preparedMilestones(stack, milestoneImages);
  const cpu0 = cpuSnapshot(stack.pid);
  const wrong = await run();
  const cpu1 = cpuSnapshot(stack.pid);
  return {
    images: milestoneImages,
    cpuMsPerImage: sum(cpuSpent(cpu0, cpu1).values()) / milestoneImages,
    wrong,
  };
}

function report(
  ceiling: { perMinute: number; cpuMsPerImage: number },
  phases: PhaseResult[],
  milestones: MilestoneCost,
) {
  console.log(
    `\nthumbnail step alone (read-once JPEG + WebP, 2 workers): ${ceiling.perMinute.toFixed(0)} images/min, ${ceiling.cpuMsPerImage.toFixed(0)} CPU-ms/image`,
  );
  console.log(
    `\n${table(
      [
        'phase',
        'images',
        'images/min',
        'ratio',
        'p50 POST→event',
        'p95',
        'peak RSS',
        'end RSS',
        'terminal statuses',
      ],
      phases.map((p) => [
        p.name,
        String(p.images),
        p.perMinute.toFixed(0),
        (p.perMinute / ceiling.perMinute).toFixed(2),
        ms(p.p50Ms),
        ms(p.p95Ms),
        mb(p.peakRss),
        mb(p.endRss),
        Object.entries(p.statuses)
          .map(([status, n]) => `${status} ${n}`)
          .join(', '),
      ]),
    )}`,
  );

  const processes = [...new Set(phases.flatMap((p) => [...p.peakRssByProcess.keys()]))].sort();
  console.log(
    `\npeak RSS per process\n${table(
      ['process', ...phases.map((p) => p.name)],
      processes.map((name) => [name, ...phases.map((p) => mb(p.peakRssByProcess.get(name) ?? 0))]),
    )}`,
  );

  const functions = [...new Set(phases.flatMap((p) => Object.keys(p.peakWorkers)))].sort();
  const heapOf = (p: PhaseResult, name: string) => (p.peakHeaps[name] ? mb(p.peakHeaps[name]) : '–');
  console.log(
    `\nmost live Lambda workers (isolates) per function, and the most V8 heap they held (sampled each second)\n${table(
      ['function', ...phases.flatMap((p) => [p.name, 'V8 heap'])],
      [
        ...functions.map((fn) => [
          fn,
          ...phases.flatMap((p) => [String(p.peakWorkers[fn] ?? 0), heapOf(p, fn)]),
        ]),
        ['main thread', ...phases.flatMap((p) => ['', heapOf(p, 'main thread')])],
        [
          'total (peaks need not coincide)',
          ...phases.flatMap((p) => [
            String(sum(Object.values(p.peakWorkers))),
            mb(sum(Object.values(p.peakHeaps))),
          ]),
        ],
      ],
    )}`,
  );

  const groups = [...new Set(phases.flatMap((p) => [...p.cpuMsPerImage.keys()]))].sort();
  const total = (p: PhaseResult) => sum(p.cpuMsPerImage.values());
  console.log(
    `\nCPU-ms per image, per process and thread\n${table(
      ['process / thread', ...phases.map((p) => p.name)],
      [
        ...groups
          .filter((g) => phases.some((p) => (p.cpuMsPerImage.get(g) ?? 0) >= 0.5))
          .map((g) => [g, ...phases.map((p) => (p.cpuMsPerImage.get(g) ?? 0).toFixed(1))]),
        ['total', ...phases.map((p) => total(p).toFixed(1))],
      ],
    )}`,
  );

  const counters = [...new Set(phases.flatMap((p) => [...p.callsPerImage.keys()]))].sort();
  console.log(
    `\ncalls per image (edge requests, in-process DynamoDB, Lambda invocations, main-thread JSON)\n${table(
      ['counter', ...phases.map((p) => p.name)],
      counters
        .filter((c) => phases.some((p) => (p.callsPerImage.get(c) ?? 0) >= 0.05))
        .map((c) => [
          c,
          ...phases.map((p) => {
            const value = p.callsPerImage.get(c) ?? 0;
            return c.endsWith('chars') ? `${(value / 1000).toFixed(1)} k` : value.toFixed(2);
          }),
        ]),
    )}`,
  );

  const verdict = (met: boolean | undefined) => (met === undefined ? 'not run' : met ? 'MET' : 'NOT MET');
  const atTarget = phases.find((p) => p.name === `burst ${targets.ratioConcurrency}`);
  const steadyAtTarget = phases.find((p) => p.name === `steady ${targets.p95Rate}/min`);
  const failed = (p: PhaseResult) =>
    Object.entries(p.statuses)
      .filter(([status]) => !['COMPLETED', 'FLAGGED', 'REJECTED'].includes(status))
      .reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `\ntargets (issue 17, this machine)\n${table(
      ['target', 'measured', 'verdict'],
      [
        [
          `end to end ≥ ${targets.ratio}× ceiling at ${targets.ratioConcurrency} concurrent, 0 FAILED`,
          atTarget
            ? `${(atTarget.perMinute / ceiling.perMinute).toFixed(2)}×, ${failed(atTarget)} not COMPLETED/FLAGGED/REJECTED`
            : '–',
          verdict(
            atTarget && atTarget.perMinute >= targets.ratio * ceiling.perMinute && failed(atTarget) === 0,
          ),
        ],
        [
          `p95 POST→event < ${targets.p95Ms / 1000} s at steady ${targets.p95Rate}/min`,
          steadyAtTarget ? ms(steadyAtTarget.p95Ms) : '–',
          verdict(steadyAtTarget && steadyAtTarget.p95Ms < targets.p95Ms && failed(steadyAtTarget) === 0),
        ],
        [
          `peak RSS of the stack ≤ ${mb(targets.rssBytes)} in the ${targets.ratioConcurrency}-concurrent burst`,
          atTarget ? mb(atTarget.peakRss) : '–',
          verdict(atTarget && atTarget.peakRss <= targets.rssBytes),
        ],
        [
          `milestones (issue 19) ≤ ${milestoneShareTarget * 100} % of the pipeline's CPU per image at ${targets.ratioConcurrency} concurrent`,
          atTarget
            ? `${milestones.cpuMsPerImage.toFixed(1)} of ${total(atTarget).toFixed(1)} CPU-ms: ${((100 * milestones.cpuMsPerImage) / total(atTarget)).toFixed(1)} %${milestones.wrong ? `, ${milestones.wrong} leases not found` : ''}`
            : '–',
          verdict(
            atTarget &&
              milestones.wrong === 0 &&
              milestones.cpuMsPerImage <= milestoneShareTarget * total(atTarget),
          ),
        ],
      ],
    )}`,
  );
}

// ---------------------------------------------------------------- main

async function main() {
  console.log(
    `pipeline bench: ${width}×${height} JPEG, bursts ${bursts.join(', ')} concurrent, steady ${steadyRates.join(', ')}/min for ${steadySeconds} s, vision off`,
  );
  // Four photos (different noise); every upload also gets distinct bytes (distinctJpeg).
  const originals = await Promise.all([0, 1, 2, 3].map(() => photographicJpeg(width, height)));
  console.log(
    `original ${((originals[0]?.length ?? 0) / 1024).toFixed(0)} KB; measuring the thumbnail ceiling …`,
  );
  const ceiling = await thumbnailCeiling(originals);

  const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-bench-pipeline-'));
  const stack = await startStackProcess(dataDir);
  const users: User[] = [];
  try {
    const planned =
      bursts.reduce((sum, c) => sum + burstImages(c), 0) +
      steadyRates.reduce((sum, rate) => sum + Math.round((rate * steadySeconds) / 60), 0) +
      warmupImages;
    for (let i = 0; i < Math.ceil(planned / uploadsPerUser); i += 1)
      users.push(await createUser(stack.info, i));
    let turn = 0;
    const nextUser = () => users[turn++ % users.length] as User;
    // Warm-up, 4 at a time: every worker a burst uses exists and has run (a worker's first calls
    // load modules and compile: that is start-up, not the per-image cost).
    console.log(`warm-up: ${warmupImages} images, 4 concurrent …`);
    const warmup = await burst(stack.info, nextUser, originals, 4, warmupImages);
    const warmupStatuses: Record<string, number> = {};
    for (const { status } of warmup) warmupStatuses[status] = (warmupStatuses[status] ?? 0) + 1;
    console.log(`  ${JSON.stringify(warmupStatuses)}`);

    const phases: PhaseResult[] = [];
    for (const concurrency of bursts) {
      console.log(`burst of ${burstImages(concurrency)} at ${concurrency} concurrent …`);
      phases.push(
        await measure(`burst ${concurrency}`, stack, () =>
          burst(stack.info, nextUser, originals, concurrency),
        ),
      );
    }
    for (const rate of steadyRates) {
      console.log(`steady ${rate}/min for ${steadySeconds} s …`);
      phases.push(
        await measure(`steady ${rate}/min`, stack, () => steady(stack.info, nextUser, originals, rate)),
      );
    }
    console.log(`milestones alone: ${milestoneImages} images' progress calls, 4 at a time …`);
    const milestones = await milestonesAlone(stack.info);
    report(ceiling, phases, milestones);
  } finally {
    for (const user of users) user.close();
    await stopStackProcess(stack.child, dataDir);
    await rm(dataDir, { recursive: true, force: true });
    if (cpuProfDir) console.log(`\nmain-thread CPU profiles of the stack, one per phase: ${cpuProfDir}`);
  }
}

await main();
