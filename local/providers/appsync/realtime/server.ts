/**
 * AppSync's real-time WebSocket protocol for GraphQL subscriptions (subprotocol `graphql-ws`):
 * connection_init → connection_ack, `ka` keep-alives, start → start_ack | error, data, stop →
 * complete, connection_error for bad auth; at most 100 subscriptions per connection.
 * This module owns frames and sockets only: a start's GraphQL (document, auth, arguments,
 * subscription resolver) is handled in one pass by the backend, which returns the filter and a
 * projection. The enhanced filter alone decides who receives an event (argument filters apply
 * only where none is set), each distinct filter checked once per event (./subscriber-index.ts).
 * Subscribers receive the mutation's selection intersected with their own, projected and
 * serialized once per distinct subscription shape per event; every socket then gets those same
 * payload bytes behind its own subscription id.
 *
 * Frames are checked at the boundary (./frames.ts) and each connection is isolated: a frame over
 * 240 KB closes that socket (1009), and anything a handler throws closes that socket (1011) and
 * is logged; the server and every other connection carry on.
 *
 * LIMITATIONS: no invalidation (`extensions.invalidateSubscriptions` is recorded, never acted on);
 * connections are not closed after 24 h; payloads over 240 KB are refused per event with an
 * `error` frame rather than dropped silently.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { realtimeLimits } from '../../../../contracts/query-limits.ts';
import type { FaultRegistry } from '../../../faults.ts';
import type { Headers, RequestParts } from '../authenticate.ts';
import type { AppSyncError } from '../errors.ts';
import type { PublishEvent, StartedSubscription, SubscriptionStart } from '../graphql-api.ts';
import type { Caller } from '../identity.ts';
import { dataFrame, FramePrefix, type SharedPayload, sharedPayload } from './data-frame.ts';
import {
  readClientFrame,
  readSubscriptionRequest,
  type StartFrame,
  type SubscriptionRequest,
} from './frames.ts';
import { connectionAuthHeaders, offeredProtocols } from './handshake.ts';
import { SubscriberIndex } from './subscriber-index.ts';

export const MAX_SUBSCRIPTIONS_PER_CONNECTION = realtimeLimits.maxSubscriptionsPerConnection;
const MAX_PAYLOAD_BYTES = realtimeLimits.maxPayloadBytes;
const CONNECTION_TIMEOUT_MS = 300_000;

/** An error the backend raises at start, in AppSync's words. */
export class SubscriptionRefused extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RealtimeBackend {
  /** Throws SubscriptionRefused when the headers do not authenticate. */
  authenticate(headers: Headers, request?: RequestParts): Promise<Caller>;
  /** A start's request, checked and resolved in one pass; refusals come back as AppSync errors. */
  startSubscription(request: SubscriptionRequest, caller: Caller): Promise<SubscriptionStart>;
  onPublish(listener: (event: PublishEvent) => void): () => void;
  /** The GraphQL HTTP endpoint, e.g. http://127.0.0.1:4566/graphql (IAM signatures cover it). */
  graphqlUrl(): string;
}

/** A control frame as JSON text (sent through ws), or a data frame's pieces (./data-frame.ts). */
type OutgoingFrame = string | readonly Buffer[];

interface Subscription {
  id: string;
  /** What precedes the payload in each of its data frames (./data-frame.ts). */
  framePrefix: FramePrefix;
  connection: Connection;
  started: StartedSubscription;
  /** Takes it out of the subscriber index. */
  remove: () => void;
}

interface Connection {
  socket: WebSocket;
  /** The upgraded TCP socket under `socket`: data frames are written to it whole (./data-frame.ts). */
  wire: Duplex;
  caller?: Caller;
  authError?: string;
  acknowledged: boolean;
  subscriptions: Map<string, Subscription>;
  keepAlive?: NodeJS.Timeout;
}

export interface RealtimeOptions {
  /** How often `ka` is sent (AppSync: about a minute; tests shorten it). */
  keepAliveMs?: number;
  /** Where a connection's unexpected failure is reported (console.error unless given). */
  log?: (line: string) => void;
  /**
   * Injected faults on outgoing frames (`appsync`, operation `Realtime`, `match` = the frame type):
   * `drop` loses the frame, `disconnect` cuts the connection instead, `latencyMs` delays it.
   */
  faults?: FaultRegistry;
}

export class RealtimeServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('graphql-ws') ? 'graphql-ws' : false),
    // Larger frames close the socket with 1009 before they are buffered whole.
    maxPayload: realtimeLimits.maxFrameBytes,
  });
  private readonly connections = new Set<Connection>();
  private readonly subscribers = new SubscriberIndex<Subscription>();
  private readonly stopListening: () => void;
  private readonly keepAliveMs: number;
  private readonly log: (line: string) => void;
  private readonly faults: FaultRegistry | undefined;

  constructor(
    private readonly backend: RealtimeBackend,
    options: RealtimeOptions = {},
  ) {
    this.keepAliveMs = options.keepAliveMs ?? 60_000;
    this.log = options.log ?? ((line) => console.error(line));
    this.faults = options.faults;
    this.stopListening = backend.onPublish((event) => this.publish(event));
  }

  /** Hands an HTTP upgrade on the realtime path to the protocol. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = URL.parse(req.url ?? '/', 'http://localhost');
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (!protocols.includes('graphql-ws')) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\nthe graphql-ws subprotocol is required\r\n');
      return;
    }
    const headers = connectionAuthHeaders(protocols, url);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        wire: socket,
        acknowledged: false,
        subscriptions: new Map(),
      };
      this.connections.add(connection);
      const authenticated = this.authenticateConnection(connection, headers, req.socket.remoteAddress);
      ws.on('message', (raw) => {
        authenticated
          .then(() => this.receive(connection, raw.toString()))
          .catch((error: unknown) => this.fail(connection, error));
      });
      ws.on('close', () => this.drop(connection));
      ws.on('error', () => this.drop(connection));
    });
  }

  /** Active subscriptions (admin/diagnostics). */
  subscriptionCount(): number {
    let count = 0;
    for (const connection of this.connections) count += connection.subscriptions.size;
    return count;
  }

  close(): void {
    this.stopListening();
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    this.wss.close();
  }

  private async authenticateConnection(connection: Connection, headers: Headers | undefined, ip?: string) {
    if (!headers) {
      connection.authError = 'Valid authorization header not provided.';
      return;
    }
    try {
      connection.caller = await this.backend.authenticate(headers, {
        method: 'POST',
        url: new URL(`${this.backend.graphqlUrl()}/connect`),
        body: Buffer.from('{}'),
        sourceIp: ip,
      });
    } catch (error) {
      connection.authError = error instanceof Error ? error.message : String(error);
    }
  }

  private send(connection: Connection, message: { type: string; [field: string]: unknown }): void {
    this.deliver(connection, message.type, JSON.stringify(message));
  }

  /** One frame, already serialized (or a data frame's pieces), through the injected faults to the socket. */
  private deliver(connection: Connection, type: string, frame: OutgoingFrame): void {
    const fault = this.faults?.find('appsync', 'Realtime', [type]);
    if (fault?.action === 'drop') return;
    // A lost network, not a goodbye: no close frame, so the client's reconnect logic must notice.
    if (fault?.action === 'disconnect') return void connection.socket.terminate();
    if (fault?.latencyMs) {
      setTimeout(() => this.write(connection, frame), fault.latencyMs).unref();
      return;
    }
    this.write(connection, frame);
  }

  /** Queued on the socket, never awaited: one slow reader does not hold up the others. */
  private write(connection: Connection, frame: OutgoingFrame): void {
    const { socket, wire } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (typeof frame === 'string') {
      socket.send(frame, { binary: false });
      return;
    }
    // One whole frame from its pieces, synchronously, so nothing ws writes can come between them.
    wire.cork();
    for (const piece of frame) wire.write(piece);
    wire.uncork();
  }

  private async receive(connection: Connection, raw: string): Promise<void> {
    const read = readClientFrame(raw);
    if (!read.ok) {
      this.send(connection, {
        type: 'error',
        ...(read.id ? { id: read.id } : {}),
        payload: { errors: [{ errorType: read.errorType, message: read.message }] },
      });
      return;
    }
    const { frame } = read;
    switch (frame.type) {
      case 'connection_init':
        return this.init(connection);
      case 'start':
        return this.start(connection, frame);
      case 'stop':
        return this.stop(connection, frame.id);
    }
  }

  /** A handler threw: that connection alone is told and closed; the server carries on. */
  private fail(connection: Connection, error: unknown): void {
    this.log(
      `[realtime] connection failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    this.send(connection, {
      type: 'error',
      payload: { errors: [{ errorType: 'InternalFailure', message: 'The connection failed.' }] },
    });
    connection.socket.close(1011);
    this.drop(connection);
  }

  private init(connection: Connection): void {
    if (!connection.caller) {
      this.send(connection, {
        type: 'connection_error',
        payload: {
          errors: [
            {
              errorType: 'UnauthorizedException',
              message: connection.authError ?? 'Unauthorized',
              errorCode: 401,
            },
          ],
        },
      });
      connection.socket.close(1000);
      return;
    }
    if (connection.acknowledged) return;
    connection.acknowledged = true;
    this.send(connection, {
      type: 'connection_ack',
      payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS },
    });
    this.send(connection, { type: 'ka' });
    connection.keepAlive = setInterval(() => this.send(connection, { type: 'ka' }), this.keepAliveMs);
    connection.keepAlive.unref();
  }

  private async start(connection: Connection, message: StartFrame): Promise<void> {
    const id = message.id;
    const refuse = (errorType: string, text: string) =>
      this.send(connection, { type: 'error', id, payload: { errors: [{ errorType, message: text }] } });
    if (!connection.acknowledged) return refuse('BadRequestException', 'connection_init must come first');
    if (connection.subscriptions.has(id))
      return refuse('BadRequestException', `subscription ${id} already started`);
    if (connection.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return refuse(
        'MaxSubscriptionsReachedError',
        `Max number of ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions reached`,
      );
    }
    const { data } = message.payload;
    const read = readSubscriptionRequest(data);
    if (!read.ok) return refuse('BadRequestException', read.message);
    const authorization = message.payload.extensions?.authorization;
    let caller: Caller;
    try {
      if (!authorization) throw new Error('Valid authorization header not provided.');
      caller = await this.backend.authenticate(authorization as Headers, {
        method: 'POST',
        url: new URL(this.backend.graphqlUrl()),
        body: Buffer.from(data),
      });
    } catch (error) {
      return refuse('UnauthorizedException', error instanceof Error ? error.message : String(error));
    }
    const started = await this.backend.startSubscription(read.request, caller);
    if (!started.ok) return this.refuseWith(connection, id, started.errors);
    // The socket may have gone, or another start taken the id or the last slot, while this one ran.
    if (!this.connections.has(connection)) return;
    if (connection.subscriptions.has(id))
      return refuse('BadRequestException', `subscription ${id} already started`);
    if (connection.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return refuse(
        'MaxSubscriptionsReachedError',
        `Max number of ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions reached`,
      );
    }
    const subscription: Subscription = {
      id,
      framePrefix: new FramePrefix(id),
      connection,
      started,
      remove: () => {},
    };
    subscription.remove = this.subscribers.add(
      started.subscriptionField,
      { filter: started.filter, args: started.arguments },
      subscription,
    );
    connection.subscriptions.set(id, subscription);
    this.send(connection, { type: 'start_ack', id });
  }

  /** An `error` frame for a refused start, with every error the GraphQL side gave. */
  private refuseWith(connection: Connection, id: string, errors: readonly AppSyncError[]): void {
    const listed = errors.length > 0 ? errors : [{ errorType: 'BadRequestException', message: 'refused' }];
    this.send(connection, {
      type: 'error',
      id,
      payload: {
        // graphql-js's own parse and validation errors carry no type; AppSync's say GraphQLError.
        errors: listed.map((error) => ({
          errorType: error.errorType ?? 'GraphQLError',
          message: error.message,
        })),
      },
    });
  }

  private stop(connection: Connection, id: string): void {
    connection.subscriptions.get(id)?.remove();
    connection.subscriptions.delete(id);
    this.send(connection, { type: 'complete', id });
  }

  private drop(connection: Connection): void {
    clearInterval(connection.keepAlive);
    for (const subscription of connection.subscriptions.values()) subscription.remove();
    connection.subscriptions.clear();
    this.connections.delete(connection);
  }

  /**
   * One event to every subscriber it is for: filters checked once per distinct filter, the payload
   * projected and serialized once per distinct subscription shape, then the same bytes framed
   * behind each subscription's id and queued on each socket without waiting for any.
   */
  private publish(event: PublishEvent): void {
    if (event.value === null || event.value === undefined) return;
    const shapes = new Map<string, Subscription[]>();
    for (const subscription of this.subscribers.matching([event.subscriptionField], event.value)) {
      const same = shapes.get(subscription.started.shapeKey);
      if (same) same.push(subscription);
      else shapes.set(subscription.started.shapeKey, [subscription]);
    }
    for (const recipients of shapes.values()) {
      const first = recipients[0];
      if (!first) continue;
      let payload: SharedPayload;
      try {
        payload = sharedPayload(JSON.stringify(first.started.project(event.value)));
      } catch (error) {
        // One document failing to project must not stop other subscribers' events.
        this.fail(first.connection, error);
        continue;
      }
      if (payload.bytes > MAX_PAYLOAD_BYTES) {
        for (const { connection, id } of recipients)
          this.send(connection, {
            type: 'error',
            id,
            payload: {
              errors: [{ errorType: 'LimitExceededError', message: 'Subscription payload exceeds 240 KB' }],
            },
          });
        continue;
      }
      // Faults are looked up per frame only while some are set: the common path is a bare write.
      const faulty = this.faults?.has('appsync') ?? false;
      for (const { connection, framePrefix } of recipients) {
        const frame = dataFrame(framePrefix, payload);
        if (faulty) this.deliver(connection, 'data', frame);
        else this.write(connection, frame);
      }
    }
  }
}
