/**
 * The subscribers of `npm run bench:realtime`, in a worker thread so they read frames on their own
 * core while the server writes them. Each is a separate socket, as separate browsers are: for
 * AppSync it speaks the protocol as aws-amplify does (`graphql-ws` + `header-` subprotocols,
 * connection_init, start with its own authorization); for the raw baseline it just connects.
 * Every socket parses every frame, as amplify does, and stamps its arrival (epoch ms).
 */
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';

export type ToClients =
  | {
      kind: 'open';
      url: string;
      count: number;
      /** AppSync subscribers: auth headers and the start's `payload.data`; absent for raw sockets. */
      appsync?: { authorization: Record<string, string>; data: string };
      concurrency: number;
    }
  | { kind: 'arm'; timeoutMs: number }
  | { kind: 'close' };

export type FromClients =
  | { kind: 'opened'; count: number }
  | { kind: 'armed' }
  | { kind: 'failed'; message: string }
  | { kind: 'arrived'; times: number[]; sample: string | undefined }
  | { kind: 'closed' };

const port = parentPort;
if (!port) throw new Error('realtime-clients.ts runs as a worker thread');

const now = () => performance.timeOrigin + performance.now();
let sockets: WebSocket[] = [];
let round: { times: number[]; sample?: string; expected: number; timer: NodeJS.Timeout } | undefined;
const reply = (message: FromClients) => port.postMessage(message);

function finishRound(): void {
  if (!round) return;
  clearTimeout(round.timer);
  reply({ kind: 'arrived', times: round.times, sample: round.sample });
  round = undefined;
}

/** A frame for the round: stamped, and the first one kept as the sample. */
function received(text: string, arrivedAt: number): void {
  if (!round) return;
  round.times.push(arrivedAt);
  round.sample ??= text;
  if (round.times.length === round.expected) finishRound();
}

/** One subscriber: connected, and for AppSync acknowledged and subscribed. */
function connect(message: Extract<ToClients, { kind: 'open' }>): Promise<WebSocket> {
  const { appsync } = message;
  const protocols = appsync
    ? ['graphql-ws', `header-${Buffer.from(JSON.stringify(appsync.authorization)).toString('base64url')}`]
    : [];
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(message.url, protocols);
    const id = randomUUID();
    socket.once('error', reject);
    socket.on('message', (raw) => {
      const arrivedAt = now();
      const text = raw.toString();
      // Parsed once per frame on both sides, as a client does; only AppSync's frames need the type.
      const type = (JSON.parse(text) as { type?: string }).type;
      if (!appsync) return received(text, arrivedAt);
      if (type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id,
            payload: { data: appsync.data, extensions: { authorization: appsync.authorization } },
            type: 'start',
          }),
        );
      } else if (type === 'start_ack') {
        resolve(socket);
      } else if (type === 'error' || type === 'connection_error') {
        reject(new Error(text));
      } else if (type === 'data') {
        received(text, arrivedAt);
      }
    });
    socket.once('open', () => {
      if (appsync) socket.send(JSON.stringify({ type: 'connection_init' }));
      else resolve(socket);
    });
  });
}

async function open(message: Extract<ToClients, { kind: 'open' }>): Promise<void> {
  let next = 0;
  const opener = async () => {
    while (next < message.count) {
      next += 1;
      sockets.push(await connect(message));
    }
  };
  await Promise.all(Array.from({ length: Math.min(message.concurrency, message.count) }, opener));
}

port.on('message', (message: ToClients) => {
  switch (message.kind) {
    case 'open':
      open(message).then(
        () => reply({ kind: 'opened', count: sockets.length }),
        (error: unknown) => reply({ kind: 'failed', message: String(error) }),
      );
      return;
    case 'arm':
      round = {
        times: [],
        expected: sockets.length,
        timer: setTimeout(finishRound, message.timeoutMs),
      };
      reply({ kind: 'armed' });
      return;
    case 'close': {
      const closing = sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close();
          }),
      );
      sockets = [];
      Promise.all(closing).then(() => reply({ kind: 'closed' }));
      return;
    }
  }
});
