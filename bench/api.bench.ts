/**
 * `npm run bench:api`: reads through the local AppSync against the same reads made raw on DynamoDB,
 * side by side in one run, at each library size. Seeds one user's items through DynamoDB's own API
 * (BatchWriteItem), each size its own user's, then drives each read closed-loop and prints req/s,
 * p50/p99, the AppSync/raw ratio and the listImages latency ratio from the smallest to the largest
 * library, each against the goal (AppSync >= 0.7x raw; listImages p50 at the largest size
 * <= 1.2x the smallest). The latency ratio is measured side by side at the end, the two users'
 * pages in alternating rounds on the same table and JVM; the ratio of the size tables' own p50s,
 * measured minutes apart, is printed beside it. Every
 * read runs for the full Image, without and with `thumbnails { url }` (a batched signing Lambda).
 * CPU ms per request (this process, all threads: client, stack and functions; in brackets DynamoDB
 * Local's JVM) is the figure to compare on a busy machine, where req/s and latency are noise.
 *
 *   BENCH_COUNTS=1000,100000  library sizes (default)       BENCH_SECONDS=10     per read
 *   BENCH_CONNECTIONS=32      concurrent closed-loop clients
 *   BENCH_WARMUP_SECONDS=3    unmeasured load before each AppSync read (workers spawn, code warms)
 *   BENCH_ONLY=url            only the reads whose name contains this (`url`: the signed variants)
 *   BENCH_CPU_PROF=<dir>      a CPU profile of the main thread (node:inspector) of each read's
 *                             first AppSync window, as <dir>/<items>-<read>.cpuprofile (bench/cpu-profile-summary.ts)
 *
 * CPU columns: all threads / the main thread (the stack's event loop and the clients), and in
 * brackets the JVM's; `signUrls/req`: sign-urls invocations per request (the Lambda hop).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import { ownerStatusKey } from '../contracts/image-item.ts';
import { labelPartition } from '../contracts/label-index.ts';
import { keys, names } from '../contracts/names.ts';
import { httpPost } from '../functions/shared/http-post.ts';
import { loadConfig } from '../local/config.ts';
import { startStack } from '../local/stack.ts';
import { closedLoop, type LoopResult } from './closed-loop.ts';
import { median } from './median.ts';

const counts = (process.env.BENCH_COUNTS ?? '1000,100000').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const only = process.env.BENCH_ONLY ?? '';
const cpuProfDir = process.env.BENCH_CPU_PROF;
const pageSize = 50;

const imageFields = `id owner fileName contentType size width height format status
  analysis { labels { name confidence parents } faceCount faces { confidence boundingBox { left top width height } } moderationLabels { name parentName confidence } isSafe }
  error { code message } createdAt updatedAt processedAt`;
const thumbnailFields = 'thumbnails { size format width height contentType key }';
const thumbnailUrlFields = 'thumbnails { size format width height contentType key url }';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function ulidAt(ms: number, serial: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i += 1) {
    time = crockford[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  let s = serial;
  for (let i = 0; i < 16; i += 1) {
    random = crockford[s % 32] + random;
    s = Math.floor(s / 32);
  }
  return time + random;
}

function seededImage(owner: string, index: number) {
  const id = ulidAt(Date.UTC(2026, 0, 1) + index * 1000, index);
  const at = new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString();
  const thumbnails = (['SMALL', 'MEDIUM', 'LARGE'] as const).flatMap((size) =>
    (['JPEG', 'WEBP'] as const).map((format) => ({
      size,
      format,
      width: 150,
      height: 100,
      contentType: format === 'JPEG' ? 'image/jpeg' : 'image/webp',
      // A fixed revision: seeded items are never rendered, only listed and signed.
      key: keys.thumbnail(
        owner,
        id,
        size.toLowerCase() as 'small',
        format === 'JPEG' ? 'jpg' : 'webp',
        '0123456789abcdef',
      ),
    })),
  );
  return {
    owner,
    id,
    fileName: `photo-${index}.jpg`,
    contentType: 'image/jpeg',
    size: 123_456,
    width: 1200,
    height: 800,
    format: 'jpeg',
    status: 'COMPLETED',
    ownerStatus: ownerStatusKey(owner, 'COMPLETED'),
    thumbnails,
    analysis: {
      labels: [{ name: 'Cat', confidence: 97, parents: ['Animal'] }],
      faceCount: 0,
      faces: [],
      moderationLabels: [],
      isSafe: true,
    },
    createdAt: at,
    updatedAt: at,
    processedAt: at,
  };
}

async function seed(documents: DynamoDBDocumentClient, owner: string, from: number, to: number) {
  const items: Array<Record<string, unknown>> = [];
  for (let index = from; index < to; index += 1) {
    const image = seededImage(owner, index);
    items.push(image, { owner: labelPartition(owner, 'cat'), id: image.id });
  }
  // BatchWriteItem takes 25 items; a few batches in flight keep DynamoDB Local busy (200,000
  // items for 100,000 images one batch at a time took minutes).
  let next = 0;
  const writer = async () => {
    for (let start = next; start < items.length; start = next) {
      next += 25;
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await documents.send(
          new BatchWriteCommand({ RequestItems: { [names.table]: requests } }),
        );
        requests = (out.UnprocessedItems?.[names.table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: seedWriters }, writer));
}

/** BatchWriteItem calls in flight while seeding. */
const seedWriters = 8;

interface Row {
  read: string;
  appsync: LoopResult;
  raw: LoopResult;
  /** The median of each round's AppSync/raw req/s ratio. */
  ratio: number;
  /** sign-urls invocations per AppSync request. */
  signUrlsPerRequest: number;
}

/** One side's rounds as one result: medians of the rates and percentiles, CPU over all requests. */
function overRounds(results: LoopResult[]): LoopResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const perRequest = (pick: (r: LoopResult) => number) =>
    results.reduce((sum, r) => sum + pick(r) * r.requests, 0) / Math.max(1, requests);
  return {
    requests,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    perSecond: median(results.map((r) => r.perSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    cpuMsPerRequest: perRequest((r) => r.cpuMsPerRequest),
    mainCpuMsPerRequest: perRequest((r) => r.mainCpuMsPerRequest),
    otherCpuMsPerRequest: perRequest((r) => r.otherCpuMsPerRequest),
  };
}

/** The goals: AppSync at >= 0.7x the raw call's req/s; listImages p50 flat within 1.2x. */
const goals = { minRatio: 0.7, maxFlatness: 1.2 };

/** Width of the read column: the longest read's name. */
const readWidth = 46;

const met = (ok: boolean) => (ok ? 'goal met' : 'goal NOT met');

function format(count: number, rows: Row[]): string {
  const lines = [
    `\n${count} items, ${connections} clients, ${rounds} rounds of ${seconds} s a side (medians)`,
  ];
  lines.push(
    `${'read'.padEnd(readWidth)}| AppSync req/s   p50   p99  cpu ms/req all/main (JVM) | raw req/s   p50   p99  cpu ms/req all/main (JVM) | req/s ratio, goal | CPU ratio | signUrls/req`,
  );
  for (const { read, appsync, raw, ratio, signUrlsPerRequest } of rows) {
    const cell = (r: LoopResult) =>
      `${r.perSecond.toFixed(0).padStart(6)} ${r.p50Ms.toFixed(1).padStart(5)} ${r.p99Ms.toFixed(1).padStart(5)}`;
    const cpu = (r: LoopResult) =>
      `${r.cpuMsPerRequest.toFixed(2).padStart(6)}/${r.mainCpuMsPerRequest.toFixed(2)} (${r.otherCpuMsPerRequest.toFixed(2)})`;
    const errors = (r: LoopResult) => (r.errors ? ` [${r.errors} errors]` : '');
    // All CPU a request costs (this process and the JVM), AppSync's over raw: robust to load.
    const totalCpu = (r: LoopResult) => r.cpuMsPerRequest + r.otherCpuMsPerRequest;
    lines.push(
      `${read.padEnd(readWidth)}| ${cell(appsync)} ${cpu(appsync)}${errors(appsync)} | ${cell(raw)} ${cpu(raw)}${errors(raw)} | ${ratio.toFixed(2)} ${met(ratio >= goals.minRatio)} | ${(totalCpu(appsync) / totalCpu(raw)).toFixed(2)} | ${signUrlsPerRequest.toFixed(2)}`,
    );
  }
  return lines.join('\n');
}

/** DynamoDB Local's JVM CPU so far (utime + stime of /proc/<pid>/stat), ms. */
function jvmCpuMs(dataDir: string): () => number {
  const pid = readFileSync(path.join(dataDir, 'dynamodb', 'java.pid'), 'utf8').trim();
  const ticksPerSecond = 100; // USER_HZ on Linux
  return () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  };
}

/**
 * Waits until DynamoDB Local's JVM is idle (under 5 % of a core for a whole second, at most 60 s):
 * after bulk seeding it keeps collecting and writing for a while, and a read measured then would
 * time the seeding's aftermath rather than the library's size.
 */
async function settle(jvmCpu: () => number): Promise<{ seconds: number; cpuMs: number }> {
  const start = jvmCpu();
  for (let second = 1; second <= 60; second += 1) {
    const before = jvmCpu();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (jvmCpu() - before < 50) return { seconds: second, cpuMs: jvmCpu() - start };
  }
  return { seconds: 60, cpuMs: jvmCpu() - start };
}

/** One answer checked before a read is timed: a bench of refusals or empty pages measures nothing. */
function checkAnswer(read: string, data: Record<string, unknown>, expected: number, signed: boolean): void {
  const root = Object.values(data)[0] as { items?: unknown[] } | null;
  const images = (root?.items ?? [root]) as Array<{ thumbnails?: Array<{ url?: string | null }> } | null>;
  const urls = images.flatMap((image) => image?.thumbnails ?? []).map((t) => t.url);
  if (images.length !== (root?.items ? expected : 1) || images.some((image) => !image))
    throw new Error(`${read} answered ${images.length} images, expected ${expected}`);
  if (signed && (urls.length === 0 || urls.some((url) => typeof url !== 'string')))
    throw new Error(`${read} answered thumbnails without URLs`);
}

async function main() {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-bench-api-'));
  const config = loadConfig({}, { port: 0, dataDir, visionMode: 'off', autoConfirm: true });
  const stack = await startStack(config, { writeRootOutputs: false, log: () => {}, serviceLog: () => {} });
  try {
    const aws = {
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: config.credentials.accessKeyId,
        secretAccessKey: config.credentials.secretAccessKey,
      },
    };
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
    const cognito = new CognitoIdentityProviderClient(aws);
    const ClientId = stack.amplifyOutputs.auth.user_pool_client_id;
    const password = 'Passw0rd!long';
    /** A new user: each library size is its own user's, so two sizes can be read side by side. */
    const signIn = async (name: string) => {
      const username = `bench-${name}-${Date.now()}@example.com`;
      await cognito.send(
        new SignUpCommand({
          ClientId,
          Username: username,
          Password: password,
          UserAttributes: [{ Name: 'email', Value: username }],
        }),
      );
      const auth = await cognito.send(
        new InitiateAuthCommand({
          ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      const token = auth.AuthenticationResult?.AccessToken ?? '';
      return { token, owner: String(decodeJwt(token).sub) };
    };

    // node:http, as the raw side's SDK client sends its calls (undici's fetch costs more per request).
    const graphqlUrl = new URL(stack.graphqlUrl);
    const graphqlAs = (token: string) => async (query: string, variables: Record<string, unknown>) => {
      const response = await httpPost({
        url: graphqlUrl,
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ query, variables }),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
      const body = JSON.parse(response.text) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data ?? {};
    };

    const queryPage = (partition: string) =>
      documents.send(
        new QueryCommand({
          TableName: names.table,
          KeyConditionExpression: '#o = :o',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':o': partition },
          ScanIndexForward: false,
          Limit: pageSize,
        }),
      );
    const otherCpuMs = jvmCpuMs(dataDir);
    const signUrlsRuns = () => stack.providers.lambda.invocationCounts()[names.functions.signUrls] ?? 0;
    let profiler: Session | undefined;
    if (cpuProfDir) {
      await mkdir(cpuProfDir, { recursive: true });
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
    }
    const listLatency = new Map<string, number[]>();
    const libraries: Array<{ count: number; graphql: ReturnType<typeof graphqlAs> }> = [];
    for (const count of [...counts].sort((a, b) => a - b)) {
      const { token, owner } = await signIn(String(count));
      const graphql = graphqlAs(token);
      libraries.push({ count, graphql });
      await seed(documents, owner, 0, count);
      const settled = await settle(otherCpuMs);
      console.log(
        `\n${count} items seeded; DynamoDB Local settled after ${settled.seconds} s (${Math.round(settled.cpuMs)} JVM CPU-ms meanwhile)`,
      );
      const randomId = () => seededImage(owner, Math.floor(Math.random() * count)).id;
      const rows: Row[] = [];
      for (const [variant, thumbnails] of [
        ['', thumbnailFields],
        [' + thumbnails { url }', thumbnailUrlFields],
      ] as const) {
        const image = `${imageFields} ${thumbnails}`;
        const reads: Array<[string, () => Promise<Record<string, unknown>>, () => Promise<unknown>]> = [
          [
            'getImage',
            () => graphql(`query G($id: ID!) { getImage(id: $id) { ${image} } }`, { id: randomId() }),
            () => documents.send(new GetCommand({ TableName: names.table, Key: { owner, id: randomId() } })),
          ],
          [
            `listImages(limit ${pageSize})`,
            () =>
              graphql(`query L($limit: Int) { listImages(limit: $limit) { items { ${image} } nextToken } }`, {
                limit: pageSize,
              }),
            () => queryPage(owner),
          ],
          [
            `searchImages(label, ${pageSize})`,
            () =>
              graphql(
                `query S($limit: Int) { searchImages(filter: { label: "Cat" }, limit: $limit) { items { ${image} } nextToken } }`,
                { limit: pageSize },
              ),
            async () => {
              const page = await queryPage(labelPartition(owner, 'cat'));
              const found = (page.Items ?? []).map((item) => ({ owner, id: String(item.id) }));
              if (found.length > 0)
                await documents.send(
                  new BatchGetCommand({ RequestItems: { [names.table]: { Keys: found } } }),
                );
            },
          ],
        ];
        for (const [name, viaAppSync, raw] of reads) {
          const read = `${name}${variant}`;
          if (!read.includes(only)) continue;
          checkAnswer(read, await viaAppSync(), Math.min(count, pageSize), thumbnails === thumbnailUrlFields);
          // Unmeasured first: Lambda workers spawn (up to the function's concurrency), code gets hot.
          await closedLoop(viaAppSync, { connections, seconds: warmUpSeconds });
          const signUrlsBefore = signUrlsRuns();
          const viaAppSyncRounds: LoopResult[] = [];
          const rawRounds: LoopResult[] = [];
          const ratios: number[] = [];
          const measure = (call: () => Promise<unknown>) =>
            closedLoop(call, { connections, seconds, otherCpuMs });
          for (let round = 0; round < rounds; round += 1) {
            // Even rounds AppSync first, odd rounds raw first; the first round's AppSync window is profiled.
            let appsync: LoopResult;
            let direct: LoopResult;
            if (round % 2 === 0) {
              if (round === 0 && profiler) await profiler.post('Profiler.start');
              appsync = await measure(viaAppSync);
              if (round === 0 && profiler && cpuProfDir) {
                const { profile } = await profiler.post('Profiler.stop');
                const file = `${count}-${read.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}.cpuprofile`;
                await writeFile(path.join(cpuProfDir, file), JSON.stringify(profile));
              }
              direct = await measure(raw);
            } else {
              direct = await measure(raw);
              appsync = await measure(viaAppSync);
            }
            viaAppSyncRounds.push(appsync);
            rawRounds.push(direct);
            ratios.push(appsync.perSecond / direct.perSecond);
          }
          const appsync = overRounds(viaAppSyncRounds);
          const signUrlsPerRequest = (signUrlsRuns() - signUrlsBefore) / Math.max(1, appsync.requests);
          rows.push({ read, appsync, raw: overRounds(rawRounds), ratio: median(ratios), signUrlsPerRequest });
          if (name.startsWith('listImages'))
            listLatency.set(read, [...(listLatency.get(read) ?? []), appsync.p50Ms]);
        }
      }
      console.log(format(count, rows));
    }
    const smallest = libraries[0];
    const largest = libraries.at(-1);
    if (smallest && largest && largest !== smallest) {
      console.log(
        `\nlistImages p50 latency through AppSync, library of ${largest.count} / ${smallest.count} images:`,
      );
      console.log(
        `${'read'.padEnd(readWidth)}| side by side (median of ${rounds} rounds), goal | in the tables above (minutes apart)`,
      );
      for (const [variant, thumbnails] of [
        ['', thumbnailFields],
        [' + thumbnails { url }', thumbnailUrlFields],
      ] as const) {
        const read = `listImages(limit ${pageSize})${variant}`;
        if (!read.includes(only)) continue;
        const document = `query L($limit: Int) { listImages(limit: $limit) { items { ${imageFields} ${thumbnails} } nextToken } }`;
        const page = (library: { graphql: ReturnType<typeof graphqlAs> }) => () =>
          library.graphql(document, { limit: pageSize });
        await closedLoop(page(largest), { connections, seconds: warmUpSeconds });
        const ratios: number[] = [];
        for (let round = 0; round < rounds; round += 1) {
          // The same table, JVM and heap for both users: alternate which goes first.
          const first = await closedLoop(page(round % 2 === 0 ? smallest : largest), {
            connections,
            seconds,
          });
          const second = await closedLoop(page(round % 2 === 0 ? largest : smallest), {
            connections,
            seconds,
          });
          const [small, large] = round % 2 === 0 ? [first, second] : [second, first];
          ratios.push(large.p50Ms / small.p50Ms);
        }
        const sideBySide = median(ratios);
        const p50s = listLatency.get(read) ?? [];
        const apart = (p50s.at(-1) ?? Number.NaN) / (p50s[0] ?? Number.NaN);
        console.log(
          `${read.padEnd(readWidth)}| ${sideBySide.toFixed(2)} ${met(sideBySide <= goals.maxFlatness)} | ${apart.toFixed(2)}`,
        );
      }
    }
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
