/**
 * `npm run bench:realtime`: fan-out of one event to many subscribers of one owner, against a raw
 * `ws` broadcast of the same bytes, in one run. Boots a stack, opens N subscribers (each its own
 * socket, speaking AppSync's real-time protocol as aws-amplify does: connection_init, then a
 * start with its own authorization, the client SDK's OnImageProcessed document), publishes one
 * image through the IAM-signed publishImageProcessed mutation the pipeline sends, and measures
 * publish → frame at every subscriber (from just before the mutation's POST to each `data`
 * frame's arrival). Then the same N sockets on a bare `ws` server get one of those frames'
 * bytes broadcast, measured the same way. Prints p50/p99 of both (medians over the rounds), the p99 ratio, and whether
 * ≤ 1.5× holds at every size. Subscribers run in a worker thread (./realtime-clients.ts).
 *
 *   BENCH_SUBSCRIBERS=2000,5000  sizes (default)     BENCH_ROUNDS=21  measured publishes per size and side
 *   BENCH_WARMUP_ROUNDS=3        unmeasured publishes before them, per size and side
 *   BENCH_OPEN_CONCURRENCY=100   sockets opened at once
 *   BENCH_MILESTONES_PER_SECOND=20  milestone events (publishImageProgress of another image of the
 *                                same owner, as the pipeline sends them) flowing through the stack
 *                                during both sides' measurement: the fan-out is measured with
 *                                progress events flowing, not on an otherwise idle stack
 *
 * Every subscriber holds two file descriptors in this process (its socket and the server's):
 * `ulimit -n` must exceed twice the largest size plus the stack's own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { print } from 'graphql';
import { decodeJwt } from 'jose';
import { WebSocketServer } from 'ws';
import { OnImageProcessedDocument } from '../client-sdk/generated/operations.ts';
import { ownerStatusKey } from '../contracts/image-item.ts';
import { keys, names } from '../contracts/names.ts';
import { publishImageProcessedQuery } from '../functions/shared/publish-image-processed.ts';
import { publishImageProgressQuery } from '../functions/shared/publish-image-progress.ts';
import { loadConfig } from '../local/config.ts';
import { signedGraphqlRequest } from '../local/providers/appsync/testing/sign-iam.ts';
import { startStack } from '../local/stack.ts';
import { percentile } from './closed-loop.ts';
import { median } from './median.ts';
import type { FromClients, ToClients } from './realtime-clients.ts';

const sizes = (process.env.BENCH_SUBSCRIBERS ?? '2000,5000').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
/** Unmeasured events first: a side's first rounds run slower (code warming, buffers growing). */
const warmUps = Number(process.env.BENCH_WARMUP_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_OPEN_CONCURRENCY ?? 100);
const milestonesPerSecond = Number(process.env.BENCH_MILESTONES_PER_SECOND ?? 20);
const goal = 1.5;
const roundTimeoutMs = 60_000;
/** Descriptors the stack holds besides the sockets (DynamoDB Local, servers, files). */
const stackDescriptors = 400;

function descriptorLimit(): number {
  // Node cannot read RLIMIT_NOFILE itself; a shell started from here inherits it.
  return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
}

function storedImage(owner: string, id: string) {
  const at = new Date().toISOString();
  const thumbnails = (['SMALL', 'MEDIUM', 'LARGE'] as const).flatMap((size) =>
    (['JPEG', 'WEBP'] as const).map((format) => ({
      size,
      format,
      width: 150,
      height: 100,
      contentType: format === 'JPEG' ? 'image/jpeg' : 'image/webp',
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
    fileName: 'holiday.jpg',
    contentType: 'image/jpeg',
    size: 2_345_678,
    width: 4000,
    height: 3000,
    format: 'jpeg',
    status: 'COMPLETED',
    ownerStatus: ownerStatusKey(owner, 'COMPLETED'),
    thumbnails,
    analysis: {
      labels: [
        { name: 'Beach', confidence: 98.1, parents: ['Nature'] },
        { name: 'Person', confidence: 95.2, parents: [] },
      ],
      faceCount: 1,
      faces: [{ confidence: 99.1, boundingBox: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 } }],
      moderationLabels: [],
      isSafe: true,
    },
    createdAt: at,
    updatedAt: at,
    processedAt: at,
  };
}

/** The subscriber worker: `send` a request, await the `next` answer of a kind. */
function clients() {
  const worker = new Worker(new URL('./realtime-clients.ts', import.meta.url));
  const send = (message: ToClients) => worker.postMessage(message);
  const next = <K extends FromClients['kind']>(kind: K): Promise<Extract<FromClients, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (answer: FromClients) => {
        worker.off('message', onMessage);
        if (answer.kind === 'failed') reject(new Error(answer.message));
        else if (answer.kind !== kind) reject(new Error(`expected ${kind}, got ${answer.kind}`));
        else resolve(answer as Extract<FromClients, { kind: K }>);
      };
      worker.on('message', onMessage);
    });
  const ask = <K extends FromClients['kind']>(message: ToClients, kind: K) => {
    const answer = next(kind);
    send(message);
    return answer;
  };
  return { worker, ask, next };
}

type Clients = ReturnType<typeof clients>;

/**
 * Sends `publish` about `perSecond` times a second (never two at once) until stopped; resolves
 * with how many went and how many failed.
 */
function flow(
  perSecond: number,
  publish: () => Promise<void>,
): () => Promise<{ sent: number; failed: number }> {
  const counts = { sent: 0, failed: 0 };
  let inFlight: Promise<void> | undefined;
  const timer =
    perSecond > 0
      ? setInterval(() => {
          if (inFlight) return;
          inFlight = publish()
            .then(
              () => {
                counts.sent += 1;
              },
              () => {
                counts.failed += 1;
              },
            )
            .finally(() => {
              inFlight = undefined;
            });
        }, 1000 / perSecond)
      : undefined;
  return async () => {
    clearInterval(timer);
    await inFlight;
    return counts;
  };
}

interface Side {
  /** Per round (one event): p50 and p99 of publish → frame over every subscriber. */
  p50s: number[];
  p99s: number[];
  missing: number;
  /** CPU ms of this thread (the stack and the raw server) per event: far steadier than wall time under load. */
  cpuMs: number[];
  sample?: string;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** `rounds` events (after `warmUps`), each timed from `publish` starting to every frame's arrival. */
async function measure(
  { ask, next }: Clients,
  expected: number,
  /** Sends the event; calls `start` the moment it goes (request signing is the publisher's, not the fan-out's). */
  publish: (start: () => void) => Promise<void>,
): Promise<Side> {
  const side: Side = { p50s: [], p99s: [], missing: 0, cpuMs: [] };
  for (let round = 0; round < warmUps + rounds; round += 1) {
    await ask({ kind: 'arm', timeoutMs: roundTimeoutMs }, 'armed');
    const arrived = next('arrived');
    let startedAt = Number.NaN;
    let cpu = process.threadCpuUsage();
    await publish(() => {
      startedAt = epochNow();
      cpu = process.threadCpuUsage();
    });
    const { times, sample } = await arrived;
    const used = process.threadCpuUsage(cpu);
    side.sample ??= sample;
    if (round < warmUps) continue;
    side.missing += expected - times.length;
    side.cpuMs.push((used.user + used.system) / 1000);
    const latencies = times.map((time) => time - startedAt).sort((a, b) => a - b);
    side.p50s.push(percentile(latencies, 0.5));
    side.p99s.push(percentile(latencies, 0.99));
  }
  return side;
}

function cell(side: Side): string {
  const p50 = median(side.p50s).toFixed(1).padStart(7);
  const p99 = median(side.p99s).toFixed(1).padStart(7);
  const worst = Math.max(...side.p99s)
    .toFixed(1)
    .padStart(7);
  const cpu = median(side.cpuMs).toFixed(1).padStart(6);
  return `${p50} ${p99} ${worst} ${cpu}${side.missing ? ` (${side.missing} missing)` : ''}`;
}

async function main() {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const largest = Math.max(...sizes);
  const limit = descriptorLimit();
  if (limit < 2 * largest + stackDescriptors) {
    console.error(
      `ulimit -n is ${limit}: ${largest} subscribers need at least ${2 * largest + stackDescriptors}. Raise it (ulimit -n ${2 * largest + stackDescriptors}) or lower BENCH_SUBSCRIBERS.`,
    );
    process.exitCode = 1;
    return;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-bench-realtime-'));
  const config = loadConfig({}, { port: 0, dataDir, visionMode: 'off', autoConfirm: true });
  const stack = await startStack(config, { writeRootOutputs: false, log: () => {}, serviceLog: () => {} });
  const raw = createServer();
  const broadcast = new WebSocketServer({ server: raw });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const subscribers = clients();
  const { worker, ask } = subscribers;
  try {
    const aws = {
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: config.credentials.accessKeyId,
        secretAccessKey: config.credentials.secretAccessKey,
      },
    };
    const cognito = new CognitoIdentityProviderClient(aws);
    const ClientId = stack.amplifyOutputs.auth.user_pool_client_id;
    const username = `bench-${Date.now()}@example.com`;
    const password = 'Passw0rd!long';
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
    const owner = String(decodeJwt(token).sub);
    const imageId = '01JBENCHREALTIME0000000001';
    const progressingId = '01JBENCHREALTIME0000000002';
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
    await documents.send(new PutCommand({ TableName: names.table, Item: storedImage(owner, imageId) }));
    const { processedAt: _notYet, ...progressing } = storedImage(owner, progressingId);
    await documents.send(
      new PutCommand({
        TableName: names.table,
        Item: {
          ...progressing,
          status: 'PROCESSING',
          ownerStatus: ownerStatusKey(owner, 'PROCESSING'),
          stage: 'THUMBNAILS_READY',
          sequence: 3,
        },
      }),
    );

    const graphqlHost = new URL(stack.graphqlUrl).host;
    const realtimeUrl = `${stack.graphqlUrl.replace(/^http/, 'ws')}/realtime`;
    /** One IAM-signed publish mutation (`field` names it in the answer); `start` as it leaves. */
    const publishSigned = async (field: string, body: string, start: () => void = () => {}) => {
      const signed = await signedGraphqlRequest(stack.graphqlUrl, body, config.credentials);
      start();
      const response = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      const answer = (await response.json()) as { errors?: unknown[]; data?: Record<string, unknown> };
      if (answer.errors || !answer.data?.[field])
        throw new Error(`${field} failed: ${JSON.stringify(answer)}`);
    };
    const publishBody = JSON.stringify({
      query: publishImageProcessedQuery,
      variables: { owner, id: imageId },
    });
    const publishThroughAppSync = (start: () => void) =>
      publishSigned('publishImageProcessed', publishBody, start);
    const milestoneBody = JSON.stringify({
      query: publishImageProgressQuery,
      variables: { owner, id: progressingId },
    });
    const stopMilestones = flow(milestonesPerSecond, () =>
      publishSigned('publishImageProgress', milestoneBody),
    );

    console.log(
      `subscribers of one owner, ${rounds} publishes each (after ${warmUps} unmeasured); latency publish → frame, ms`,
    );
    console.log(
      `milestone events flowing meanwhile: ${milestonesPerSecond}/s (publishImageProgress, same owner)`,
    );
    console.log(
      "(p50, p99: medians over the rounds of each event's percentile over every subscriber; worst: the highest round's p99;",
    );
    console.log(' cpu: median CPU ms per event of the thread running the stack and the raw server)');
    console.log('            | AppSync                        | raw ws broadcast               |');
    console.log(
      'subscribers |     p50     p99   worst    cpu |     p50     p99   worst    cpu | p99 ratio | ≤ 1.5×',
    );
    let holds = true;
    let frameBytes = 0;
    for (const size of sizes) {
      await ask(
        {
          kind: 'open',
          url: realtimeUrl,
          count: size,
          concurrency,
          appsync: {
            authorization: { Authorization: token, host: graphqlHost },
            data: JSON.stringify({ query: print(OnImageProcessedDocument), variables: {} }),
          },
        },
        'opened',
      );
      const appsync = await measure(subscribers, size, publishThroughAppSync);
      await ask({ kind: 'close' }, 'closed');
      if (!appsync.sample) throw new Error('no subscriber received the event');
      frameBytes = Buffer.byteLength(appsync.sample);
      const frame = Buffer.from(appsync.sample);

      const url = `ws://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      await ask({ kind: 'open', url, count: size, concurrency }, 'opened');
      const direct = await measure(subscribers, size, async (start) => {
        start();
        for (const socket of broadcast.clients) socket.send(frame, { binary: false });
      });
      await ask({ kind: 'close' }, 'closed');

      // Medians over rounds: one event stalled by the machine (a GC, another process) moves a pooled
      // p99 by itself on this 2-core machine; the worst round is printed beside it.
      const ratio = median(appsync.p99s) / median(direct.p99s);
      const ok = ratio <= goal && appsync.missing === 0;
      holds &&= ok;
      console.log(
        `${String(size).padStart(11)} | ${cell(appsync)} | ${cell(direct)} | ${ratio.toFixed(2).padStart(8)}× | ${ok ? 'yes' : 'NO'}`,
      );
    }
    const milestones = await stopMilestones();
    console.log(`\nframe: ${frameBytes} bytes (the client SDK's whole Image)`);
    console.log(`milestones published meanwhile: ${milestones.sent}, failed: ${milestones.failed}`);
    if (milestones.failed > 0) holds = false;
    console.log(`AppSync p99 within ${goal}× of a raw broadcast at every size: ${holds ? 'yes' : 'NO'}`);
  } finally {
    await worker.terminate();
    broadcast.close();
    raw.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
