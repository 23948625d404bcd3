/**
 * The local AppSync: `POST /graphql` over the same schema and APPSYNC_JS resolver bundles as the
 * cloud, with Cognito + IAM (+ optional API key) auth and the DynamoDB, NONE and Lambda data sources.
 *
 * LIMITATIONS
 * - GraphQL validation messages are graphql-js's, not AppSync's (graphql-java) wording.
 * - No OIDC or Lambda authorizers, no caching, no X-Ray; `@aws_auth` is treated as Cognito.
 * - DynamoDB: no idempotent-retry read on a failed condition, no `_version`/sync (conflict detection).
 * - Lambda data sources see `Lambda:Unhandled` for every function error, as APPSYNC_JS does.
 * - Real-time subscriptions: `realtime/server.ts` speaks the WebSocket protocol over this
 *   provider's hooks (`authenticate`, `startSubscription`, `onPublish`); `upgrade` hands it sockets.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listDataSources } from '../../../contracts/data-sources.ts';
import { queryLimits } from '../../../contracts/query-limits.ts';
import { bundleResolverCode, listResolvers } from '../../../resolvers/catalog.ts';
import { applyLatency } from '../../faults.ts';
import type { Authorizer } from '../../iam/local-iam.ts';
import type { EdgeRequest, Provider, ProviderHealth } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { localCredentials } from '../dynamodb/index.ts';
import { leanDynamoDbClient } from '../dynamodb/lean-client.ts';
import { Authenticator, type CognitoTrust, type Headers, type RequestParts } from './authenticate.ts';
import { dataSourceOf } from './data-sources/from-spec.ts';
import type { InvokeLambda } from './data-sources/lambda.ts';
import { DataSourceRegistry } from './data-sources/registry.ts';
import { requestError } from './errors.ts';
import {
  type CallInput,
  GraphqlApi,
  type Limits,
  type PublishEvent,
  type StartedSubscription,
  type SubscriptionStart,
} from './graphql-api.ts';
import { type Caller, UnauthorizedRequest } from './identity.ts';
import { RealtimeServer } from './realtime/server.ts';
import { realtimeBackend } from './realtime-backend.ts';
import { type LoadReport, type ResolverSource, ResolverTable } from './resolver-table.ts';

export type { Caller, LoadReport, PublishEvent, StartedSubscription, SubscriptionStart };

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** aws.graphql (what AppSync predeclares) followed by the API's schema. */
export function readAppSyncSchema(root = repositoryRoot): string {
  return `${readFileSync(join(root, 'aws.graphql'), 'utf8')}\n${readFileSync(join(root, 'schema.graphql'), 'utf8')}`;
}

export interface ReloadReport extends LoadReport {
  /** Why the new schema was refused (the last good one stays in service), if it was. */
  schemaFailure?: string;
}

export interface AppSyncProviderOptions extends ProviderContext {
  /** DynamoDB Local's endpoint; a function when it is known only once DynamoDB has started. */
  dynamodbEndpoint?: string | (() => string);
  /** Or a client to use (the DynamoDB provider's `client`, keep-alive included); read at each call. */
  dynamodbClient?: () => DynamoDBClient;
  invokeLambda: InvokeLambda;
  /** The user pool whose tokens are accepted (the Cognito provider fits). */
  cognito: CognitoTrust;
  /** Accepted `x-api-key` values; the API key mode is off without them. */
  apiKeys?: readonly string[];
  /** Where resolvers come from; the catalog under `resolvers/` by default. */
  resolvers?: ResolverSource;
  /** The schema SDL; aws.graphql + schema.graphql (re-read on every reload) by default. */
  schemaSdl?: string | (() => string);
  limits?: Partial<Limits>;
  /** How often real-time connections get `ka` (AppSync: about a minute). */
  keepAliveMs?: number;
  /** Largest request body accepted; contracts/query-limits.ts `maxRequestBytes` unless given. */
  maxRequestBytes?: number;
  /** Who may do what: IAM signers' secrets and their `appsync:GraphQL` policy; the root's only unless given. */
  authorizer?: Authorizer;
  /** The API's ARN, the prefix of the field ARNs an IAM policy names. */
  apiArn?: string;
}

export type Authentication = { ok: true; caller: Caller } | { ok: false; errorType: string; message: string };

export class AppSyncProvider implements Provider {
  readonly name = 'appsync';
  /** The API in service; a reload with a new schema replaces it (subscribers stay connected). */
  api: GraphqlApi;
  private readonly table: ResolverTable;
  private readonly dataSources = new DataSourceRegistry();
  private readonly authenticator: Authenticator;
  private client: DynamoDBClient | undefined;
  private started = false;
  private lastReport: LoadReport | undefined;
  private readonly log: (line: string) => void;
  private schemaSdl: string;
  private realtime: RealtimeServer | undefined;
  /** Publish events of whichever GraphqlApi is in service. */
  private readonly bus = new EventEmitter<{ publish: [PublishEvent] }>();

  constructor(private readonly options: AppSyncProviderOptions) {
    this.log = options.log;
    this.table = new ResolverTable(
      options.resolvers ?? { list: () => listResolvers(), bundle: (source) => bundleResolverCode(source) },
    );
    const { config } = options;
    this.authenticator = new Authenticator({
      cognito: options.cognito,
      credentials: options.authorizer
        ? (id) => options.authorizer?.secretFor(id)
        : { [config.credentials.accessKeyId]: config.credentials.secretAccessKey },
      accountId: config.accountId,
      region: config.region,
      ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
    });
    const dynamodb = () => {
      const client = options.dynamodbClient?.() ?? this.client;
      if (!client) throw new Error('the AppSync provider is not started');
      return client;
    };
    for (const [name, spec] of listDataSources()) {
      this.dataSources.add(dataSourceOf(name, spec, { dynamodb, invokeLambda: options.invokeLambda }));
    }
    this.schemaSdl = this.readSchema();
    this.api = this.buildApi(this.schemaSdl);
  }

  private readSchema(): string {
    const { schemaSdl } = this.options;
    return typeof schemaSdl === 'function' ? schemaSdl() : (schemaSdl ?? readAppSyncSchema());
  }

  private buildApi(schemaSdl: string): GraphqlApi {
    const api = new GraphqlApi({
      schemaSdl,
      resolvers: this.table,
      dataSources: this.dataSources,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      authorizeIamField: (accessKeyId, typeName, fieldName) => {
        const { authorizer, apiArn } = this.options;
        if (!authorizer || !apiArn) return true;
        const resource = `${apiArn}/types/${typeName}/fields/${fieldName}`;
        return authorizer.authorize(accessKeyId, { action: 'appsync:GraphQL', resource }).allowed;
      },
    });
    api.events.on('publish', (event) => this.bus.emit('publish', event));
    return api;
  }

  /** The schema SDL in service (the real-time server projects events with it). */
  currentSchemaSdl(): string {
    return this.schemaSdl;
  }

  /**
   * Hot reload: re-reads the schema and rebuilds every resolver. A schema that does not build,
   * or a resolver that does not bundle or load, keeps its last good version in service.
   */
  async reload(): Promise<ReloadReport> {
    let schemaFailure: string | undefined;
    try {
      const sdl = this.readSchema();
      if (sdl !== this.schemaSdl) {
        const api = this.buildApi(sdl);
        this.api.events.removeAllListeners();
        this.api = api;
        this.schemaSdl = sdl;
      }
    } catch (error) {
      schemaFailure = error instanceof Error ? error.message : String(error);
      this.log(`[appsync] schema.graphql failed to load, keeping the last good schema: ${schemaFailure}`);
    }
    const report = await this.load();
    return schemaFailure ? { ...report, schemaFailure } : report;
  }

  async start(): Promise<void> {
    const { dynamodbEndpoint, config } = this.options;
    if (dynamodbEndpoint !== undefined) {
      const endpoint = typeof dynamodbEndpoint === 'function' ? dynamodbEndpoint() : dynamodbEndpoint;
      this.client = leanDynamoDbClient({
        endpoint,
        region: config.region,
        credentials: localCredentials(config.credentials),
      });
    } else if (!this.options.dynamodbClient) {
      throw new Error('the AppSync provider needs dynamodbEndpoint or dynamodbClient');
    }
    this.started = true;
    await this.load();
    // A SigV4 signature covers the path and the signed headers (host among them), not the URL's
    // host part: any host names the same endpoint here.
    this.realtime = new RealtimeServer(
      realtimeBackend(this, () => 'http://localhost/graphql'),
      {
        faults: this.options.faults,
        ...(this.options.keepAliveMs ? { keepAliveMs: this.options.keepAliveMs } : {}),
        ...(this.options.log ? { log: this.options.log } : {}),
      },
    );
  }

  /** Hands a WebSocket upgrade on /graphql/realtime to the real-time protocol. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.realtime) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    this.realtime.upgrade(req, socket, head);
  }

  async stop(): Promise<void> {
    this.realtime?.close();
    this.realtime = undefined;
    this.client?.destroy();
    this.client = undefined;
    this.started = false;
  }

  /** State lives in DynamoDB; nothing to forget here. */
  async reset(): Promise<void> {}

  health(): ProviderHealth {
    if (!this.started || !this.lastReport) return { ready: false, detail: 'not started' };
    const { loaded, failures } = this.lastReport;
    if (failures.length === 0) return { ready: true, detail: `${loaded.length} resolvers` };
    return {
      ready: true,
      detail: `${loaded.length} resolvers; failing: ${failures.map((f) => f.resolver).join(', ')}`,
    };
  }

  /** (Re)loads every resolver; a resolver whose new bundle fails keeps its last good code. */
  async load(): Promise<LoadReport> {
    const report = await this.table.load();
    for (const failure of report.failures)
      this.log(`[appsync] resolver ${failure.resolver} failed to load: ${failure.message}`);
    this.lastReport = report;
    return report;
  }

  /** Authenticates a header set (HTTP, or a real-time `connect`/`start` authorization object). */
  async authenticate(headers: Headers, request?: RequestParts): Promise<Authentication> {
    try {
      return { ok: true, caller: await this.authenticator.authenticate(headers, request) };
    } catch (error) {
      if (error instanceof UnauthorizedRequest)
        return { ok: false, errorType: error.errorType, message: error.message };
      throw error;
    }
  }

  /** Calls `listener` for every publish a mutation listed in `@aws_subscribe` causes; returns an unsubscribe. */
  onPublish(listener: (event: PublishEvent) => void): () => void {
    this.bus.on('publish', listener);
    return () => this.bus.off('publish', listener);
  }

  /** A real-time `start` in one pass: validation, field auth, arguments, resolver (filters). */
  startSubscription(input: CallInput): Promise<SubscriptionStart> {
    return this.api.startSubscription(input);
  }

  async handle({ req, res, url, body }: EdgeRequest): Promise<void> {
    const send = (status: number, payload: unknown) => {
      // Encoded once: a page with URLs is ~200 KB, and byteLength then end(text) walked it twice.
      const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
      res.writeHead(status, {
        'content-type': 'application/json; charset=UTF-8',
        'content-length': bytes.length,
      });
      res.end(bytes);
    };
    if (url.pathname !== '/graphql') {
      send(404, requestError('NotFoundException', `No route for ${url.pathname}`));
      return;
    }
    if (req.method !== 'POST') {
      send(405, requestError('BadRequestException', 'Only POST is supported on /graphql'));
      return;
    }
    const maxBytes = this.options.maxRequestBytes ?? queryLimits.maxRequestBytes;
    if (body.length > maxBytes) {
      send(413, requestError('PayloadTooLargeException', `The request body exceeds ${maxBytes} bytes.`));
      return;
    }
    // Service trouble strikes before authorization, as an overloaded AppSync answers.
    if (this.options.faults.has('appsync')) {
      const fault = this.options.faults.find('appsync', 'GraphQL', operationNameOf(body));
      await applyLatency(fault);
      if (fault?.error) {
        send(
          fault.status ?? 500,
          requestError(fault.error, fault.message ?? `Injected fault: ${fault.error}`),
        );
        return;
      }
    }
    const headers = lowerCaseHeaders(req.headers);
    const sourceIp = req.socket.remoteAddress;
    const auth = await this.authenticate(req.headers, {
      method: req.method,
      url,
      body,
      ...(sourceIp ? { sourceIp } : {}),
    });
    if (!auth.ok) {
      send(401, requestError(auth.errorType, auth.message));
      return;
    }
    let operation: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      operation = JSON.parse(body.toString('utf8')) as typeof operation;
    } catch {
      send(400, requestError('MalformedHttpRequestException', 'The request body is not valid JSON.'));
      return;
    }
    if (typeof operation?.query !== 'string') {
      send(400, requestError('MalformedHttpRequestException', 'The request body has no "query" string.'));
      return;
    }
    const result = await this.api.execute({
      query: operation.query,
      variables: isRecord(operation.variables) ? operation.variables : {},
      operationName: typeof operation.operationName === 'string' ? operation.operationName : null,
      caller: auth.caller,
      headers,
      domainName: headers.host ?? null,
    });
    send(200, result);
  }
}

/** The request's `operationName`, if it has one (what an `appsync` fault's `match` names). */
function operationNameOf(body: Buffer): string[] {
  try {
    const { operationName } = JSON.parse(body.toString('utf8')) as { operationName?: unknown };
    return typeof operationName === 'string' ? [operationName] : [];
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerCaseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
