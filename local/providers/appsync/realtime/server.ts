/**
 * AppSync's real-time WebSocket protocol for GraphQL subscriptions (subprotocol `graphql-ws`):
 * connection_init → connection_ack, `ka` keep-alives, start → start_ack | error, data, stop →
 * complete, connection_error for bad auth; at most 100 subscriptions per connection. The
 * subscription resolver runs at start and its enhanced filter alone decides who receives an
 * event (argument filters apply only where none is set). Subscribers receive the mutation's
 * selection intersected with their own, built once per distinct subscription per event.
 *
 * Frames are checked at the boundary (./frames.ts) and each connection is isolated: a frame over
 * 240 KB closes that socket (1009), and anything a handler throws closes that socket (1011) and
 * is logged; the server and every other connection carry on.
 *
 * LIMITATIONS: no invalidation frames; connections are not closed after 24 h; payloads over
 * 240 KB are refused per event with an `error` frame rather than dropped silently.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type DocumentNode, execute, type GraphQLSchema, getOperationAST, validate } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { queryLimits, realtimeLimits } from '../../../../contracts/query-limits.ts';
import type { FaultRegistry } from '../../../faults.ts';
import type { Headers, RequestParts } from '../authenticate.ts';
import type { Caller } from '../identity.ts';
import { parseBounded } from '../parse-bounded.ts';
import type { SubscriptionFilterJson } from '../runtime/expressions.ts';
import { matchesArguments, matchesSubscriptionFilter } from './filter.ts';
import { readClientFrame, readSubscriptionRequest, type StartFrame } from './frames.ts';
import { connectionAuthHeaders, offeredProtocols } from './handshake.ts';

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

export interface PublishEvent {
  /** The Subscription field(s) whose `@aws_subscribe` lists the mutation. */
  subscriptionFields: readonly string[];
  /** The mutation's result, as its caller selected it (serialized). */
  value: unknown;
}

export interface RealtimeBackend {
  /** The executable schema used to validate subscription documents. */
  schema(): GraphQLSchema;
  /** A schema with no resolvers: events are projected onto subscribers' selections with it. */
  projectionSchema(): GraphQLSchema;
  authenticate(headers: Headers, request?: RequestParts): Promise<Caller>;
  /** Field-level auth plus the subscription resolver; returns its enhanced filter (null when none). Throws SubscriptionRefused. */
  startSubscription(start: {
    fieldName: string;
    args: Record<string, unknown>;
    caller: Caller;
    document: DocumentNode;
    variables: Record<string, unknown>;
  }): Promise<SubscriptionFilterJson | null>;
  onPublish(listener: (event: PublishEvent) => void): () => void;
  /** The GraphQL HTTP endpoint, e.g. http://127.0.0.1:4566/graphql (IAM signatures cover it). */
  graphqlUrl(): string;
}

interface Subscription {
  id: string;
  connection: Connection;
  fieldName: string;
  responseKey: string;
  document: DocumentNode;
  variables: Record<string, unknown>;
  args: Record<string, unknown>;
  filter: SubscriptionFilterJson | null;
  /** Identifies subscriptions whose payload for an event is the same. */
  shapeKey: string;
}

interface Connection {
  socket: WebSocket;
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
      const connection: Connection = { socket: ws, acknowledged: false, subscriptions: new Map() };
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
    const fault = this.faults?.find('appsync', 'Realtime', [message.type]);
    if (fault?.action === 'drop') return;
    // A lost network, not a goodbye: no close frame, so the client's reconnect logic must notice.
    if (fault?.action === 'disconnect') return void connection.socket.terminate();
    if (fault?.latencyMs) {
      setTimeout(() => this.write(connection, message), fault.latencyMs).unref();
      return;
    }
    this.write(connection, message);
  }

  private write(connection: Connection, message: object): void {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
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
    const { request } = read;
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
    const variables = request.variables ?? {};
    const schema = this.backend.schema();
    let document: DocumentNode;
    try {
      document = parseBounded(request.query, queryLimits);
    } catch (error) {
      return refuse('GraphQLError', error instanceof Error ? error.message : String(error));
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return refuse('GraphQLError', invalid.map((error) => error.message).join('; '));
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (operation?.operation !== 'subscription') {
      return refuse(
        'UnsupportedOperation',
        `${operation?.operation ?? 'This'} operations are not supported through the realtime channel`,
      );
    }
    const field = operation.selectionSet.selections[0];
    const subscriptionType = schema.getSubscriptionType();
    const fieldDef = field?.kind === 'Field' ? subscriptionType?.getFields()[field.name.value] : undefined;
    if (field?.kind !== 'Field' || !fieldDef)
      return refuse('BadRequestException', 'a subscription field is required');
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(fieldDef, field, variables);
    } catch (error) {
      return refuse('BadRequestException', error instanceof Error ? error.message : String(error));
    }
    let filter: SubscriptionFilterJson | null;
    try {
      filter = await this.backend.startSubscription({
        fieldName: fieldDef.name,
        args,
        caller,
        document,
        variables,
      });
    } catch (error) {
      if (error instanceof SubscriptionRefused) return refuse(error.errorType, error.message);
      return refuse('InternalFailure', error instanceof Error ? error.message : String(error));
    }
    connection.subscriptions.set(id, {
      id,
      connection,
      fieldName: fieldDef.name,
      responseKey: field.alias?.value ?? field.name.value,
      document,
      variables,
      args,
      filter,
      shapeKey: JSON.stringify([request.query, variables]),
    });
    this.send(connection, { type: 'start_ack', id });
  }

  private stop(connection: Connection, id: string): void {
    connection.subscriptions.delete(id);
    this.send(connection, { type: 'complete', id });
  }

  private drop(connection: Connection): void {
    clearInterval(connection.keepAlive);
    connection.subscriptions.clear();
    this.connections.delete(connection);
  }

  private publish(event: PublishEvent): void {
    if (event.value === null || event.value === undefined) return;
    const payloads = new Map<string, { payload: unknown; size: number }>();
    for (const connection of this.connections) {
      for (const subscription of connection.subscriptions.values()) {
        if (!event.subscriptionFields.includes(subscription.fieldName)) continue;
        const matches = subscription.filter
          ? matchesSubscriptionFilter(subscription.filter, event.value)
          : matchesArguments(subscription.args, event.value);
        if (!matches) continue;
        let built = payloads.get(subscription.shapeKey);
        if (!built) {
          try {
            built = this.project(subscription, event.value);
          } catch (error) {
            // One subscriber's document failing to project must not stop the others' events.
            this.fail(connection, error);
            break;
          }
          payloads.set(subscription.shapeKey, built);
        }
        if (built.size > MAX_PAYLOAD_BYTES) {
          this.send(connection, {
            type: 'error',
            id: subscription.id,
            payload: {
              errors: [{ errorType: 'LimitExceededError', message: 'Subscription payload exceeds 240 KB' }],
            },
          });
          continue;
        }
        this.send(connection, { type: 'data', id: subscription.id, payload: built.payload });
      }
    }
  }

  /** The event as this subscriber selected it: execute their document over the event value. */
  private project(subscription: Subscription, value: unknown): { payload: unknown; size: number } {
    const result = execute({
      schema: this.backend.projectionSchema(),
      document: subscription.document,
      variableValues: subscription.variables,
      rootValue: { [subscription.fieldName]: value },
    }) as { data?: unknown; errors?: readonly { message: string; path?: readonly (string | number)[] }[] };
    const payload = {
      data: result.data ?? null,
      ...(result.errors?.length
        ? {
            errors: result.errors.map((error) => ({
              message: error.message,
              path: error.path ?? null,
              errorType: null,
            })),
          }
        : {}),
    };
    return { payload, size: Buffer.byteLength(JSON.stringify(payload)) };
  }
}
