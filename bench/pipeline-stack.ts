/**
 * The stack `bench:pipeline` measures, in its own process (so its CPU and RSS are its own): vision
 * off, auto-confirmed sign-ups, data in DARKROOM_DATA_DIR. Prints one JSON line once ready; answers
 * the line `counters` on stdin with one JSON line of call counts (requests per service and
 * operation reaching the edge, DynamoDB calls made in-process, Lambda invocations, function log
 * lines, JSON.parse/JSON.stringify calls and characters on the main thread); `workers` with the
 * most live Lambda workers per function and the most V8 heap (physical bytes) per function's
 * workers and the main thread since the last `workers`; `profile-start` and
 * `profile-stop <file>` take a CPU profile of the main thread (node:inspector, as --cpu-prof does,
 * for one phase only); stops on SIGTERM.
 * The counters wrap, never change, what they count.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { getHeapStatistics } from 'node:v8';
import { loadConfig } from '../local/config.ts';
import type { EdgeRequest } from '../local/provider.ts';
import { startStack } from '../local/stack.ts';

const counts: Record<string, number> = {};
const count = (name: string, by = 1) => {
  counts[name] = (counts[name] ?? 0) + by;
};

// JSON round trips on the main thread (workers have their own JSON object).
const { parse, stringify } = JSON;
JSON.parse = function countedParse(this: unknown, text: string, reviver?: Parameters<typeof parse>[1]) {
  count('json.parse');
  count('json.parse chars', typeof text === 'string' ? text.length : 0);
  return parse.call(this, text, reviver);
} as typeof JSON.parse;
JSON.stringify = function countedStringify(this: unknown, ...args: Parameters<typeof stringify>) {
  const text = stringify.apply(this, args);
  count('json.stringify');
  count('json.stringify chars', text?.length ?? 0);
  return text;
} as typeof JSON.stringify;

const config = loadConfig();
const stack = await startStack(config, {
  writeRootOutputs: false,
  log: () => {},
  serviceLog: () => count('function log lines'),
});

/** The operation an edge request names: X-Amz-Target for the JSON protocols, else method (+ form). */
function operationOf(service: string, { req, url }: EdgeRequest): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.replace(/^.*\./, '');
  if (service === 's3') {
    const subresource = [...url.searchParams.keys()].find((key) => !key.startsWith('X-Amz-'));
    return `${req.method}${subresource ? ` ?${subresource}` : ''}`;
  }
  return req.method ?? '?';
}

for (const provider of Object.values(stack.providers)) {
  const handle = provider.handle?.bind(provider);
  if (!handle) continue;
  provider.handle = (request: EdgeRequest) => {
    count(`edge ${provider.name} ${operationOf(provider.name, request)}`);
    return handle(request);
  };
}
// AppSync's resolvers (and recovery) call DynamoDB Local on this client, not through the edge.
stack.providers.dynamodb.client.middlewareStack.add(
  (next, context) => (args) => {
    count(`in-process dynamodb ${context.commandName ?? '?'}`);
    return next(args);
  },
  { step: 'initialize', name: 'benchCounter' },
);

process.stdout.write(
  `${JSON.stringify({
    pid: process.pid,
    url: stack.url,
    graphqlUrl: stack.graphqlUrl,
    userPoolClientId: stack.amplifyOutputs.auth.user_pool_client_id,
    accessKeyId: config.credentials.accessKeyId,
    secretAccessKey: config.credentials.secretAccessKey,
  })}\n`,
);

// Live Lambda workers per function, sampled: each is an isolate of its own (memory, GC, JIT).
let peakWorkers: Record<string, number> = {};
const sampleWorkers = () => {
  for (const [name, n] of Object.entries(stack.providers.lambda.workerCounts()))
    peakWorkers[name] = Math.max(peakWorkers[name] ?? 0, n);
};
setInterval(sampleWorkers, 100).unref();
// Their V8 heaps and the main thread's, sampled each second: the most each held during a phase.
let peakHeaps: Record<string, number> = {};
const sampleHeaps = async () => {
  const heaps = await stack.providers.lambda.workerHeapBytes();
  heaps['main thread'] = getHeapStatistics().total_physical_size;
  for (const [name, bytes] of Object.entries(heaps)) peakHeaps[name] = Math.max(peakHeaps[name] ?? 0, bytes);
};
setInterval(() => void sampleHeaps(), 1000).unref();

const inspector = new Session();
inspector.connect();
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, argument] = line.trim().split(' ');
  if (command === 'counters') {
    const invocations = stack.providers.lambda.invocationCounts();
    const all: Record<string, number> = { ...counts };
    for (const [name, n] of Object.entries(invocations)) if (n > 0) all[`lambda invoke ${name}`] = n;
    answer({ counters: all });
  } else if (command === 'workers') {
    sampleWorkers();
    await sampleHeaps();
    answer({ workers: peakWorkers, heaps: peakHeaps });
    peakWorkers = {};
    peakHeaps = {};
    sampleWorkers();
  } else if (command === 'profile-start') {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
    answer({ profiling: true });
  } else if (command === 'profile-stop' && argument) {
    const { profile } = await inspector.post('Profiler.stop');
    await writeFile(argument, JSON.stringify(profile));
    answer({ profile: argument });
  }
});

process.on('SIGTERM', () => {
  stack.stop().then(() => process.exit(0));
});
