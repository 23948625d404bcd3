/**
 * Drives the real-time protocol by hand with `ws`, against the real GraphqlApi over the real
 * schema, the real Authenticator (JWTs signed with a key made here) and the real bundled
 * subscription resolver.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bundleResolverCode, listResolvers } from '../../../../resolvers/catalog.ts';
import { FaultRegistry } from '../../../faults.ts';
import { Authenticator } from '../authenticate.ts';
import { NoneDataSource } from '../data-sources/none.ts';
import { DataSourceRegistry } from '../data-sources/registry.ts';
import { GraphqlApi, type PublishEvent } from '../graphql-api.ts';
import { ResolverTable } from '../resolver-table.ts';
import { RealtimeServer } from './server.ts';

const root = path.resolve(import.meta.dirname, '../../../..');
const sdl = ['aws.graphql', 'schema.graphql']
  .map((file) => readFileSync(path.join(root, file), 'utf8'))
  .join('\n');
const issuer = 'http://127.0.0.1/local_test';
const clientId = 'test-client';

const subscriptionEntry = listResolvers().find((entry) => entry.typeName === 'Subscription');
if (!subscriptionEntry?.dataSource) throw new Error('Subscription.onImageProcessed resolver missing');
const dataSources = new DataSourceRegistry().add(new NoneDataSource(subscriptionEntry.dataSource));
const resolvers = new ResolverTable({ list: () => [subscriptionEntry], bundle: bundleResolverCode });
const api = new GraphqlApi({ schemaSdl: sdl, resolvers, dataSources });

const faults = new FaultRegistry();
let server: Server;
let realtime: RealtimeServer;
let url: string;
let sign: (sub: string, expiresIn?: string) => Promise<string>;
const listeners = new Set<(event: PublishEvent) => void>();
/** Every start request the server handed to the GraphQL side. */
const startRequests: unknown[] = [];
const publish = (value: unknown) => {
  for (const listener of listeners)
    listener({
      subscriptionField: 'onImageProcessed',
      mutationField: 'publishImageProcessed',
      value,
      selectionSet: '',
    });
};

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  sign = (sub, expiresIn = '1h') =>
    new SignJWT({ token_use: 'access', client_id: clientId, username: sub })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(sub)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(privateKey);
  const authenticator = new Authenticator({
    cognito: { issuer, jwks: { keys: [jwk] }, clientId },
    credentials: {},
    accountId: '000000000000',
  });
  server = createServer((_, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `ws://127.0.0.1:${port}/graphql/realtime`;
  await resolvers.load();
  realtime = new RealtimeServer(
    {
      authenticate: (headers, request) => authenticator.authenticate(headers, request),
      graphqlUrl: () => `http://127.0.0.1:${port}/graphql`,
      onPublish: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      startSubscription: (request, caller) => {
        startRequests.push(request);
        return api.startSubscription({ ...request, caller, headers: {} });
      },
    },
    { keepAliveMs: 200, faults },
  );
  server.on('upgrade', (req, socket, head) => realtime.upgrade(req, socket, head));
});

afterAll(async () => {
  realtime?.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Frame {
  type: string;
  id?: string;
  payload?: {
    connectionTimeoutMs?: number;
    data?: Record<string, unknown>;
    errors?: { errorType: string; message: string }[];
  };
}

/** A socket with a queue of frames, awaited by type (keep-alives skipped unless asked for). */
async function open(
  headers: Record<string, string> | undefined,
  carrier: 'subprotocol' | 'query' = 'subprotocol',
) {
  const frames: Frame[] = [];
  const waiting: { type: string; resolve(frame: Frame): void }[] = [];
  const json = JSON.stringify(headers ?? {});
  const target =
    carrier === 'query' ? `${url}?header=${Buffer.from(json).toString('base64')}&payload=e30=` : url;
  const protocols =
    carrier === 'subprotocol' && headers
      ? ['graphql-ws', `header-${Buffer.from(json).toString('base64url')}`]
      : ['graphql-ws'];
  const socket = new WebSocket(target, protocols);
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    const index = waiting.findIndex((w) => w.type === frame.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(frame);
    else frames.push(frame);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (type: string) => {
    const index = frames.findIndex((frame) => frame.type === type);
    if (index >= 0) return Promise.resolve(frames.splice(index, 1)[0] as Frame);
    return new Promise<Frame>((resolve) => waiting.push({ type, resolve }));
  };
  const send = (message: object) => socket.send(JSON.stringify(message));
  const pending = () => frames.filter((frame) => frame.type !== 'ka');
  return { socket, next, send, pending, protocol: socket.protocol };
}

const subscriptionQuery = `subscription On($id: ID) { onImageProcessed(id: $id) { id owner status thumbnails { size url } } }`;
const auth = (token: string) => ({ Authorization: token, host: '127.0.0.1' });
const start = (
  id: string,
  token: string,
  variables: Record<string, unknown> = {},
  query = subscriptionQuery,
) => ({
  type: 'start',
  id,
  payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: auth(token) } },
});

const image = (owner: string, id: string) => ({
  id,
  owner,
  status: 'COMPLETED',
  fileName: 'a.jpg',
  thumbnails: [{ size: 'SMALL', format: 'JPEG', url: 'http://127.0.0.1/x' }],
});

describe('AppSync real-time protocol', () => {
  it('acknowledges a connection authenticated by the header- subprotocol, then keeps it alive', async () => {
    const alice = await open(auth(await sign('alice')));

    alice.send({ type: 'connection_init' });
    const ack = await alice.next('connection_ack');
    await alice.next('ka');
    await alice.next('ka');

    expect(alice.protocol).toBe('graphql-ws');
    expect(ack.payload?.connectionTimeoutMs).toBe(300_000);
    alice.socket.close();
  });

  it('accepts the header query parameter as the auth carrier too', async () => {
    const alice = await open(auth(await sign('alice')), 'query');

    alice.send({ type: 'connection_init' });

    expect((await alice.next('connection_ack')).type).toBe('connection_ack');
    alice.socket.close();
  });

  it('answers a forged or expired token with connection_error', async () => {
    const forged = `${(await sign('alice')).slice(0, -4)}AAAA`;
    const expired = await sign('alice', '-1m');
    for (const token of [forged, expired]) {
      const client = await open(auth(token));

      client.send({ type: 'connection_init' });
      const error = await client.next('connection_error');

      expect(error.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
    }
  });

  it('delivers an owner’s event only to the owner, narrowed by id, with the subscriber’s selection', async () => {
    const aliceToken = await sign('alice');
    const alice = await open(auth(aliceToken));
    const bob = await open(auth(await sign('bob')));
    alice.send({ type: 'connection_init' });
    bob.send({ type: 'connection_init' });
    await alice.next('connection_ack');
    await bob.next('connection_ack');
    alice.send(start('all', aliceToken));
    alice.send(start('one', aliceToken, { id: 'img-2' }));
    bob.send(start('bob', await sign('bob')));
    await alice.next('start_ack');
    await alice.next('start_ack');
    await bob.next('start_ack');

    publish(image('alice', 'img-1'));
    const first = await alice.next('data');
    publish(image('alice', 'img-2'));
    const second = await alice.next('data');
    const third = await alice.next('data');

    expect(first).toMatchObject({
      id: 'all',
      payload: { data: { onImageProcessed: { id: 'img-1', owner: 'alice' } } },
    });
    expect(first.payload?.data?.onImageProcessed).not.toHaveProperty('fileName');
    expect([second.id, third.id].sort()).toEqual(['all', 'one']);
    expect(alice.pending()).toEqual([]);
    expect(bob.pending()).toEqual([]);
    alice.socket.close();
    bob.socket.close();
  });

  it('refuses queries on the realtime channel and a 101st subscription; stop completes', async () => {
    const token = await sign('carol');
    const carol = await open(auth(token));
    carol.send({ type: 'connection_init' });
    await carol.next('connection_ack');

    carol.send(start('q', token, {}, 'query { getImage(id: "x") { id } }'));
    const unsupported = await carol.next('error');
    for (let index = 0; index < 100; index += 1) carol.send(start(`s${index}`, token));
    for (let index = 0; index < 100; index += 1) await carol.next('start_ack');
    carol.send(start('s100', token));
    const tooMany = await carol.next('error');
    carol.send({ type: 'stop', id: 's0' });
    const complete = await carol.next('complete');

    expect(unsupported).toMatchObject({
      id: 'q',
      payload: { errors: [{ errorType: 'UnsupportedOperation' }] },
    });
    expect(tooMany).toMatchObject({
      id: 's100',
      payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError' }] },
    });
    expect(complete).toEqual({ type: 'complete', id: 's0' });
    expect(realtime.subscriptionCount()).toBe(99);
    carol.socket.close();
  });

  it('holds the 100-subscription limit when 101 starts arrive at once, and refuses a repeated id', async () => {
    const token = await sign('gail');
    const gail = await open(auth(token));
    gail.send({ type: 'connection_init' });
    await gail.next('connection_ack');

    // Sent together: every start is still being checked when the next arrives.
    for (let index = 0; index <= 100; index += 1) gail.send(start(`s${index}`, token));
    gail.send(start('s0', token));
    const acks = await Promise.all(Array.from({ length: 100 }, () => gail.next('start_ack')));
    const refusals = [await gail.next('error'), await gail.next('error')];

    expect(new Set(acks.map((ack) => ack.id)).size).toBe(100);
    expect(refusals.map((error) => error.payload?.errors?.[0]?.errorType).sort()).toEqual([
      'BadRequestException',
      'MaxSubscriptionsReachedError',
    ]);
    gail.socket.close();
  });

  it('refuses a start whose own authorization is bad, with the start id', async () => {
    const token = await sign('dave');
    const dave = await open(auth(token));
    dave.send({ type: 'connection_init' });
    await dave.next('connection_ack');

    dave.send(start('bad', `${token.slice(0, -4)}AAAA`));
    const error = await dave.next('error');

    expect(error).toMatchObject({ id: 'bad', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
    dave.socket.close();
  });

  it('loses a data frame an injected fault drops, and delivers the next one', async () => {
    const token = await sign('dora');
    const dora = await open(auth(token));
    dora.send({ type: 'connection_init' });
    await dora.next('connection_ack');
    dora.send(start('all', token));
    await dora.next('start_ack');
    faults.set([{ service: 'appsync', operation: 'Realtime', match: 'data', action: 'drop', count: 1 }]);
    try {
      publish(image('dora', 'lost'));
      publish(image('dora', 'kept'));
      const frame = await dora.next('data');

      expect(frame.payload?.data).toMatchObject({ onImageProcessed: { id: 'kept' } });
    } finally {
      faults.clear();
      dora.socket.close();
    }
  });

  it('cuts the connection without a close frame when an injected fault disconnects it', async () => {
    const token = await sign('erin');
    const erin = await open(auth(token));
    erin.send({ type: 'connection_init' });
    await erin.next('connection_ack');
    erin.send(start('all', token));
    await erin.next('start_ack');
    faults.set([
      { service: 'appsync', operation: 'Realtime', match: 'data', action: 'disconnect', count: 1 },
    ]);
    try {
      const closed = new Promise<number>((resolve) => erin.socket.once('close', (code) => resolve(code)));
      publish(image('erin', 'never'));

      // 1006: the connection dropped abnormally, as when the network goes.
      expect(await closed).toBe(1006);
      expect(erin.pending().filter((frame) => frame.type === 'data')).toEqual([]);
    } finally {
      faults.clear();
    }
  });
});

describe('fan-out', () => {
  it('hands each start to the GraphQL side once, as sent, and gives every subscriber of an owner the same event', async () => {
    const token = await sign('fay');
    const clients = await Promise.all(Array.from({ length: 20 }, () => open(auth(token))));
    for (const client of clients) client.send({ type: 'connection_init' });
    await Promise.all(clients.map((client) => client.next('connection_ack')));
    startRequests.length = 0;
    clients.forEach((client, index) => {
      client.send(start(`s${index}`, token));
    });
    await Promise.all(clients.map((client) => client.next('start_ack')));

    publish(image('fay', 'img-9'));
    const frames = await Promise.all(clients.map((client) => client.next('data')));

    expect(startRequests).toEqual(clients.map(() => ({ query: subscriptionQuery, variables: {} })));
    expect(frames.map((frame) => frame.id)).toEqual(clients.map((_, index) => `s${index}`));
    for (const frame of frames)
      expect(frame.payload).toEqual({
        data: {
          onImageProcessed: {
            id: 'img-9',
            owner: 'fay',
            status: 'COMPLETED',
            thumbnails: [{ size: 'SMALL', url: 'http://127.0.0.1/x' }],
          },
        },
      });
    for (const client of clients) client.socket.close();
  });
});

describe('connection isolation', () => {
  it('closes only the connection whose handler throws (1011); the server and other connections carry on', async () => {
    let explode = false;
    const logged: string[] = [];
    const isolated = new RealtimeServer(
      {
        authenticate: async () => ({ mode: 'API_KEY', identity: null }),
        graphqlUrl: () => 'http://127.0.0.1/graphql',
        onPublish: () => () => {},
        startSubscription: async () => {
          if (explode) throw new Error('schema unavailable');
          return {
            ok: true,
            subscriptionField: 'onImageProcessed',
            arguments: {},
            filter: null,
            shapeKey: '',
            project: () => ({ data: null }),
          };
        },
      },
      { log: (line) => logged.push(line) },
    );
    const host = createServer((_, res) => res.end());
    host.on('upgrade', (req, socket, head) => isolated.upgrade(req, socket, head));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const target = `ws://127.0.0.1:${(host.address() as AddressInfo).port}/graphql/realtime`;
    const header = `header-${Buffer.from(JSON.stringify({ 'x-api-key': 'k', host: 'h' })).toString('base64url')}`;
    const connect = async () => {
      const socket = new WebSocket(target, ['graphql-ws', header]);
      const frames: Frame[] = [];
      socket.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as Frame));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      while (!frames.some((frame) => frame.type === 'connection_ack'))
        await new Promise((resolve) => setTimeout(resolve, 10));
      return { socket, frames };
    };
    const startFrame = (id: string) =>
      JSON.stringify({
        type: 'start',
        id,
        payload: {
          data: JSON.stringify({ query: subscriptionQuery, variables: {} }),
          extensions: { authorization: { 'x-api-key': 'k', host: 'h' } },
        },
      });
    const victim = await connect();
    const bystander = await connect();

    explode = true;
    const closed = new Promise<number>((resolve) => victim.socket.once('close', resolve));
    victim.socket.send(startFrame('a'));
    const code = await closed;
    explode = false;
    bystander.socket.send(startFrame('b'));
    while (!bystander.frames.some((frame) => frame.id === 'b'))
      await new Promise((resolve) => setTimeout(resolve, 10));

    expect(code).toBe(1011);
    expect(bystander.frames.find((frame) => frame.id === 'b')?.type).toBe('start_ack');
    expect(logged.join('\n')).toContain('schema unavailable');
    bystander.socket.close();
    isolated.close();
    await new Promise((resolve) => host.close(resolve));
  });
});
