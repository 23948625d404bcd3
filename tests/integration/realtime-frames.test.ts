/**
 * Hostile real-time frames against the shared stack, with a raw `ws` client: `null`, non-objects,
 * a `start` whose `payload.data` is "null" or not JSON, a frame over AppSync's size limit. Each is
 * answered on its own socket (an AppSync-shaped `error`, or a close for an oversized frame) and
 * the stack keeps serving: health stays 200 and another client still connects and subscribes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { realtimeLimits } from '../../contracts/query-limits.ts';
import { stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

interface Frame {
  type: string;
  id?: string;
  payload?: { errors?: { errorType: string; message: string }[] };
}

const sockets = new Set<WebSocket>();
let user: TestUser;

beforeAll(async () => {
  user = await createUser('frames');
});

afterAll(() => {
  for (const socket of sockets) socket.terminate();
});

const authHeaders = () => ({ Authorization: user.accessToken, host: new URL(stackInfo().url).host });

/** A raw socket on /graphql/realtime with a frame queue, awaited by type (keep-alives skipped). */
async function connect() {
  const target = `${stackInfo().url.replace(/^http/, 'ws')}/graphql/realtime`;
  const header = Buffer.from(JSON.stringify(authHeaders())).toString('base64url');
  const socket = new WebSocket(target, ['graphql-ws', `header-${header}`]);
  sockets.add(socket);
  const frames: Frame[] = [];
  const waiting: { type: string; resolve(frame: Frame): void }[] = [];
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    if (frame.type === 'ka') return;
    const index = waiting.findIndex((w) => w.type === frame.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (type: string) => {
    const index = frames.findIndex((frame) => frame.type === type);
    if (index >= 0) return Promise.resolve(frames.splice(index, 1)[0] as Frame);
    return new Promise<Frame>((resolve) => waiting.push({ type, resolve }));
  };
  return { socket, next, closed, sendText: (text: string) => socket.send(text) };
}

async function acknowledged() {
  const client = await connect();
  client.sendText(JSON.stringify({ type: 'connection_init' }));
  await client.next('connection_ack');
  return client;
}

const subscription = 'subscription { onImageProcessed { id status } }';
const start = (id: string, data: string) =>
  JSON.stringify({ type: 'start', id, payload: { data, extensions: { authorization: authHeaders() } } });

async function stackStillServes() {
  const health = await fetch(`${stackInfo().url}/_darkroom/health`);
  expect(health.status).toBe(200);
  const other = await acknowledged();
  other.sendText(start('alive', JSON.stringify({ query: subscription, variables: {} })));
  expect(await other.next('start_ack')).toEqual({ type: 'start_ack', id: 'alive' });
  other.socket.close();
}

describe('real-time frames a client should never send', () => {
  it.each(['null', '42', '"text"', '[]', 'true', '{"type":7}', '{"type":"start","payload":null}'])(
    'answers the frame %s with a BadRequestException error and keeps serving',
    async (text) => {
      const client = await acknowledged();

      client.sendText(text);
      const error = await client.next('error');

      expect(error.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
      await stackStillServes();
      client.socket.close();
    },
  );

  it.each([
    'null',
    'not json',
    '42',
    '{"query":7}',
    '{"query":"subscription { onImageProcessed { id } }","variables":"x"}',
  ])('answers a start whose payload.data is %s with an error carrying the start id', async (data) => {
    const client = await acknowledged();

    client.sendText(start('bad', data));
    const error = await client.next('error');

    expect(error).toMatchObject({ id: 'bad', payload: { errors: [{ errorType: 'BadRequestException' }] } });
    await stackStillServes();
    client.socket.close();
  });

  it('refuses a start before connection_init, unacknowledged, and keeps the socket usable', async () => {
    const client = await connect();

    client.sendText(start('early', JSON.stringify({ query: subscription })));
    const error = await client.next('error');

    expect(error).toMatchObject({ id: 'early', payload: { errors: [{ errorType: 'BadRequestException' }] } });
    client.sendText(JSON.stringify({ type: 'connection_init' }));
    expect((await client.next('connection_ack')).type).toBe('connection_ack');
    client.socket.close();
  });

  it('closes only the socket that sends a frame over the size limit (1009), never acknowledging it', async () => {
    const client = await acknowledged();
    const padding = 'x'.repeat(realtimeLimits.maxFrameBytes + 1);

    client.sendText(start('huge', JSON.stringify({ query: subscription, variables: { padding } })));
    const code = await client.closed;

    expect(code).toBe(1009);
    await stackStillServes();
  });

  it('survives a 20 MB frame', async () => {
    const client = await acknowledged();

    client.sendText('y'.repeat(20 * 1024 * 1024));

    expect(await client.closed).toBe(1009);
    await stackStillServes();
  });
});
