/**
 * Boots the whole local stack on one port: the edge first (to learn its port), then every
 * provider in dependency order, the resources named by contracts/names.ts, the wiring S3 → events →
 * SQS queue → event source mapping → dispatch → pipeline (contracts/flow.ts), the sweeper, and
 * `amplify_outputs.json`. `stop()` takes it all down again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AmplifyOutputs, toAmplifyOutputs } from '../contracts/amplify-outputs.ts';
import { flow } from '../contracts/flow.ts';
import { functionSpecs, liveFunctionName } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';
import { objectCreatedEvent } from '../contracts/object-created-event.ts';
import { outputKeys } from '../contracts/output-keys.ts';
import { createAdmin, healthReport } from './admin.ts';
import type { LocalConfig } from './config.ts';
import { type Edge, startEdge } from './edge.ts';
import { FaultRegistry } from './faults.ts';
import { LocalIam } from './iam/local-iam.ts';
import { withinDeadline } from './probe.ts';
import type { Provider } from './provider.ts';
import type { ProviderContext } from './provider-context.ts';
import { AppSyncProvider } from './providers/appsync/index.ts';
import { CognitoProvider } from './providers/cognito/index.ts';
import { DynamoDbProvider } from './providers/dynamodb/index.ts';
import { EventsProvider } from './providers/events/index.ts';
import { LambdaProvider } from './providers/lambda/index.ts';
import { EmptyVisionEngine, type VisionEngine } from './providers/rekognition/engine.ts';
import { RekognitionProvider } from './providers/rekognition/index.ts';
import { createLocalVisionEngine } from './providers/rekognition/local-vision.ts';
import { type ObjectCreatedEvent, S3Provider } from './providers/s3/index.ts';
import { SnsProvider } from './providers/sns/index.ts';
import { EventSourceMapping } from './providers/sqs/event-source-mapping.ts';
import { SqsProvider } from './providers/sqs/index.ts';
import { StepFunctionsProvider } from './providers/stepfunctions/index.ts';
import {
  originalKeyOf,
  processingImages,
  releaseLease,
  returnToPending,
  unannouncedImages,
} from './recovery.ts';
import { WebAppProvider, webBasePath } from './web-app.ts';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The local GraphQL API's id, as in its ARN (`…:apis/<id>`). */
const localApiId = 'darkroom-local';
/** Longest any one provider may take to start (DynamoDB Local's JVM on a busy machine is the slowest). */
const providerStartDeadlineMs = 180_000;

export interface StackOptions {
  /** Also write `amplify_outputs.json` at the repository root (default true; tests write only to the data folder). */
  writeRootOutputs?: boolean;
  /** The stack's own messages (boot, sweeps, recovery); `console.info` unless given. */
  log?: (line: string) => void;
  /** The functions' and DynamoDB Local's log lines; to stdout/stderr unless given. */
  serviceLog?: (line: string) => void;
  /** GetItem/Query calls warming DynamoDB Local's JVM at boot. */
  dynamoDbWarmUpCalls?: number;
  /** Pause between pipeline retries instead of the definition's backoff (tests). */
  pipelineRetryDelayMs?: number;
  /** Multiplies dispatch's backoff between receives of a failed message (tests of the retry limit). */
  retryBackoffScale?: number;
}

export interface StackProviders {
  dynamodb: DynamoDbProvider;
  s3: S3Provider;
  sns: SnsProvider;
  cognito: CognitoProvider;
  lambda: LambdaProvider;
  rekognition: RekognitionProvider;
  stepfunctions: StepFunctionsProvider;
  events: EventsProvider;
  sqs: SqsProvider;
  appsync: AppSyncProvider;
}

export interface RunningStack {
  config: LocalConfig;
  /** `http://127.0.0.1:PORT`: every AWS client's endpoint. */
  url: string;
  port: number;
  graphqlUrl: string;
  topicArn: string;
  amplifyOutputs: AmplifyOutputs;
  /** The web client (served when web/dist is built). */
  webUrl: string;
  providers: StackProviders;
  faults: FaultRegistry;
  /** ms from `startStack` to every provider ready. */
  bootMs: number;
  /** Runs the expiry sweep and the sweeper function now (also done on an interval). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/** The scheduled event EventBridge Scheduler would send the sweeper. */
function scheduledEvent(config: LocalConfig) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: config.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: config.region,
    resources: [`arn:aws:events:${config.region}:${config.accountId}:rule/darkroom-sweeper`],
    detail: {},
  };
}

export async function startStack(config: LocalConfig, options: StackOptions = {}): Promise<RunningStack> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.info(line));
  await mkdir(config.dataDir, { recursive: true });
  const faults = new FaultRegistry();
  // Every provider gets the same context: none can be built without the stack's faults.
  const context: ProviderContext = { config, faults, log, clock: () => new Date() };
  const topicArn = `arn:aws:sns:${config.region}:${config.accountId}:${names.topic}`;
  const stateMachineArn = `arn:aws:states:${config.region}:${config.accountId}:stateMachine:${names.stateMachine}`;
  const apiArn = `arn:aws:appsync:${config.region}:${config.accountId}:apis/${localApiId}`;
  // Each function signs with its own key, bound to its policy in contracts/function-policies.ts.
  const iam = new LocalIam(config, {
    bucketArn: `arn:aws:s3:::${names.localBucket}`,
    tableArn: `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${names.table}`,
    topicArn,
    graphqlApiArn: apiArn,
    queueArn: `arn:aws:sqs:${config.region}:${config.accountId}:${flow.queueName}`,
    stateMachineArn,
  });
  const registry = new Map<string, Provider>();
  const booted: Provider[] = [];
  let providers: StackProviders | undefined;

  const admin = createAdmin({
    providers: () => [...registry.values()],
    faults,
    executions: () => providers?.stepfunctions.listExecutions() ?? [],
    events: () => providers?.events.log() ?? [],
    snsMessages: () => providers?.sns.messages() ?? [],
    cognitoCodes: () => providers?.cognito.codes() ?? [],
    rekognitionCalls: () => providers?.rekognition.calls() ?? { total: 0, byObject: {} },
    lambdaInvocations: () => providers?.lambda.invocationCounts() ?? {},
    afterReset: async () => {
      if (!providers) return;
      await providers.s3.createBucket(names.localBucket);
      providers.sns.createTopic(names.topic);
    },
  });
  const edge: Edge = await startEdge({
    config,
    admin,
    secretFor: (accessKeyId) => iam.secretFor(accessKeyId),
    provider: (service) => registry.get(service),
    // Real-time WebSocket upgrades on /graphql/realtime go to the AppSync provider.
    upgrade: (req, socket, head) => {
      if (providers) providers.appsync.upgrade(req, socket, head);
      else socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n');
    },
    log,
  });
  const url = edge.url;
  const graphqlUrl = `${url}/graphql`;
  // SqsProvider's QueueUrl format: the SDK sends each request to the host of the QueueUrl.
  const queueUrl = `${url}/${config.accountId}/${flow.queueName}`;

  const register = (key: string, provider: Provider) => registry.set(key, provider);
  // Every start is bounded and its failure names the provider: `npm start` exits with that name.
  const boot = async (provider: Provider) => {
    try {
      await withinDeadline(provider.start(), providerStartDeadlineMs, `the ${provider.name} provider`);
    } catch (error) {
      await provider.stop().catch(() => {});
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`the ${provider.name} provider did not start: ${reason}`, { cause: error });
    }
    booted.push(provider);
  };

  try {
    const dynamodb = new DynamoDbProvider({
      ...context,
      warmUpCalls: options.dynamoDbWarmUpCalls,
      serviceLog: options.serviceLog,
      authorizer: iam,
    });
    register('dynamodb', dynamodb);
    const lambda = new LambdaProvider({
      ...context,
      endpoint: url,
      environment: {
        TABLE_NAME: names.table,
        BUCKET_NAME: names.localBucket,
        GRAPHQL_URL: graphqlUrl,
        TOPIC_ARN: topicArn,
        STATE_MACHINE_ARN: stateMachineArn,
        QUEUE_URL: queueUrl,
        RETRY_BACKOFF_SCALE: String(options.retryBackoffScale ?? 1),
      },
      functionLog: options.serviceLog,
      credentialsFor: (functionName) => iam.credentialsFor(functionName),
    });
    register('lambda', lambda);
    const stepfunctions = new StepFunctionsProvider({
      ...context,
      endpoint: url,
      invokeLambda: (functionName, payload) => lambda.invoke(functionName, payload),
      ...(options.pipelineRetryDelayMs === undefined ? {} : { retryDelayMs: options.pipelineRetryDelayMs }),
    });
    register('states', stepfunctions);
    const sqs = new SqsProvider({ ...context, endpoint: () => url, authorizer: iam });
    register('sqs', sqs);
    const events = new EventsProvider({
      ...context,
      target: (event) => sqs.sendMessage(flow.queueName, JSON.stringify(event)),
    });
    register('events', events);
    // The upload is answered once its event is a durable message (or fails, and the client retries).
    const onObjectCreated = async (event: ObjectCreatedEvent) => {
      const entry = await events.putEvent(event as unknown as Record<string, unknown>);
      if (entry.error) throw new Error(`event delivery failed: ${entry.error}`);
    };
    const s3 = new S3Provider({ ...context, onObjectCreated, authorizer: iam });
    register('s3', s3);
    const sns = new SnsProvider({ ...context, authorizer: iam });
    register('sns', sns);
    const cognito = new CognitoProvider({
      ...context,
      issuerDomain: url,
      secretFor: (accessKeyId) => iam.secretFor(accessKeyId),
      authorize: (accessKeyId, action, resource) => iam.authorize(accessKeyId, { action, resource }),
    });
    register('cognito-idp', cognito);
    const s3Client = new S3Client({
      endpoint: url,
      region: config.region,
      credentials: config.credentials,
      forcePathStyle: true,
    });
    const engine: VisionEngine =
      config.visionMode === 'vision'
        ? await withinDeadline(createLocalVisionEngine(), providerStartDeadlineMs, 'the local vision engine')
        : new EmptyVisionEngine(log);
    const rekognition = new RekognitionProvider({
      ...context,
      engine,
      authorizer: iam,
      // In-process, as Rekognition reads S3 inside AWS: three detections per image used to be three
      // signed GETs of the original through the edge on the main thread (docs/pipeline-cpu.md).
      readS3Object: (bucket, key, versionId) => s3.readObject(bucket, key, versionId),
    });
    register('rekognition', rekognition);
    const appsync = new AppSyncProvider({
      ...context,
      // DynamoDB Local directly, on the provider's keep-alive client (AppSync's own network hop).
      dynamodbClient: () => dynamodb.client,
      invokeLambda: (functionName, payload) => lambda.invoke(functionName, payload),
      cognito,
      authorizer: iam,
      apiArn,
    });
    register('appsync', appsync);
    let outputsForWeb: AmplifyOutputs | undefined;
    const web = new WebAppProvider(() => outputsForWeb);
    register('web', web);
    providers = { dynamodb, s3, sns, cognito, lambda, rekognition, stepfunctions, events, sqs, appsync };

    // DynamoDB Local's JVM takes seconds: the cheap providers boot meanwhile.
    await Promise.all([
      boot(dynamodb),
      (async () => {
        await boot(s3);
        await s3.createBucket(names.localBucket);
        await boot(sns);
        sns.createTopic(names.topic);
        await boot(cognito);
        await boot(rekognition);
        await boot(stepfunctions);
        await boot(sqs);
        await createUploadQueues(sqs);
        await boot(events);
        await boot(web);
      })(),
    ]);
    await boot(lambda);
    await boot(appsync);

    const amplifyOutputs = toAmplifyOutputs(
      {
        [outputKeys.graphqlUrl]: graphqlUrl,
        [outputKeys.region]: config.region,
        [outputKeys.userPoolId]: cognito.userPoolId,
        [outputKeys.userPoolClientId]: cognito.clientId,
        [outputKeys.bucketName]: names.localBucket,
        [outputKeys.tableName]: names.table,
        [outputKeys.topicArn]: topicArn,
      },
      { userPoolEndpoint: url },
    );
    outputsForWeb = amplifyOutputs;
    const outputsText = `${JSON.stringify(amplifyOutputs, null, 2)}\n`;
    await writeFile(path.join(config.dataDir, 'amplify_outputs.json'), outputsText);
    if (options.writeRootOutputs ?? true)
      await writeFile(path.join(repositoryRoot, 'amplify_outputs.json'), outputsText);

    const headOriginal = async (Key: string) => {
      const head = await s3Client
        .send(new HeadObjectCommand({ Bucket: names.localBucket, Key }))
        .catch(() => undefined);
      return {
        size: head?.ContentLength ?? 0,
        etag: (head?.ETag ?? '').replaceAll('"', ''),
        ...(head?.VersionId ? { versionId: head.VersionId } : {}),
      };
    };
    await recoverImages(providers, config, headOriginal, log);
    await announceUnannounced(providers, log);

    // The bounded consumer: at most flow.localMaximumConcurrency executions at a time, whatever the burst.
    const sqsClient = new SQSClient({
      endpoint: url,
      region: config.region,
      credentials: config.credentials,
    });
    const mapping = new EventSourceMapping({
      client: sqsClient,
      queueUrl,
      queueArn: `arn:aws:sqs:${config.region}:${config.accountId}:${flow.queueName}`,
      region: config.region,
      batchSize: flow.batchSize,
      maximumConcurrency: flow.localMaximumConcurrency,
      reportBatchItemFailures: flow.reportBatchItemFailures,
      invoke: (event) => lambda.invoke(liveFunctionName(functionSpecs.dispatch.functionName), event),
      log,
    });
    mapping.start();

    const sweep = async () => {
      const expired = await dynamodb.sweepExpired();
      if (expired > 0) log(`[stack] expired ${expired} PENDING_UPLOAD item(s)`);
      try {
        const result = (await lambda.invoke(
          liveFunctionName(functionSpecs.sweeper.functionName),
          scheduledEvent(config),
        )) as {
          swept?: number;
        };
        if (result?.swept) log(`[stack] the sweeper settled ${result.swept} stuck item(s)`);
      } catch (error) {
        // Until the sweeper function exists (or when it fails), the next run tries again.
        if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) {
          log(
            `[stack] sweeper failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          );
        }
      }
    };
    let sweeping: Promise<void> = sweep();
    const timer = setInterval(() => {
      sweeping = sweeping.then(sweep);
    }, config.sweepIntervalMs);
    timer.unref();

    const bootMs = Date.now() - started;
    const report = healthReport([...registry.values()]);
    if (report.status !== 'ok')
      log(
        `[stack] still starting (health turns 200 when done): ${Object.entries(report.providers)
          .filter(([, health]) => !health.ready)
          .map(([name, health]) => `${name} (${health.detail ?? 'not ready'})`)
          .join(', ')}`,
      );

    let stopping: Promise<void> | undefined;
    return {
      config,
      url,
      port: edge.port,
      graphqlUrl,
      webUrl: `${url}${webBasePath}`,
      topicArn,
      amplifyOutputs,
      providers,
      faults,
      bootMs,
      sweep: () => {
        sweeping = sweeping.then(sweep);
        return sweeping;
      },
      stop: () => {
        stopping ??= (async () => {
          await mapping.stop();
          sqsClient.destroy();
          clearInterval(timer);
          await sweeping.catch(() => {});
          await shutDown(edge, booted);
          s3Client.destroy();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await shutDown(edge, booted).catch(() => {});
    throw error;
  }
}

/** Stops in reverse boot order after the edge stops taking requests. */
async function shutDown(edge: Edge, booted: Provider[]): Promise<void> {
  const closing = edge.close();
  for (const provider of [...booted].reverse()) {
    await provider
      .stop()
      .catch((error: unknown) => console.error(`[stack] stopping ${provider.name} failed`, error));
  }
  await closing;
}

/** See local/recovery.ts: a terminal item the previous run never announced is announced now, by the publish function. */
async function announceUnannounced(providers: StackProviders, log: (line: string) => void) {
  const unannounced = await unannouncedImages(providers.dynamodb.client);
  if (unannounced.length === 0) return;
  log(`[stack] announcing ${unannounced.length} image(s) the previous run finished but never announced`);
  for (const image of unannounced) {
    try {
      await providers.lambda.invoke(liveFunctionName(functionSpecs.publish.functionName), image);
    } catch (error) {
      // It stays UNANNOUNCED: the sweeper tries again.
      log(`[stack] announcing ${image.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The upload queue and its DLQ, as contracts/flow.ts defines them (idempotent, like CreateQueue). */
async function createUploadQueues(sqs: SqsProvider): Promise<void> {
  const retention = String(flow.retentionSeconds);
  const dlq = await sqs.createQueue(flow.deadLetterQueueName, {
    MessageRetentionPeriod: retention,
    SqsManagedSseEnabled: 'true',
  });
  await sqs.createQueue(flow.queueName, {
    VisibilityTimeout: String(flow.visibilityTimeoutSeconds),
    MessageRetentionPeriod: retention,
    SqsManagedSseEnabled: 'true',
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.queueArn,
      maxReceiveCount: flow.maxReceiveCount,
    }),
  });
}

/**
 * See local/recovery.ts. No execution survives a restart, so every lease at boot is dead: it is
 * released, and the image's message (back in the queue at once) claims it again. An item PROCESSING
 * without a lease was started outside the queue (before it existed): it is re-driven through it.
 */
async function recoverImages(
  providers: StackProviders,
  config: LocalConfig,
  headOriginal: (key: string) => Promise<{ size: number; etag: string; versionId?: string }>,
  log: (line: string) => void,
) {
  const orphans = await processingImages(providers.dynamodb.client);
  if (orphans.length === 0) return;
  const leased = orphans.filter((orphan) => orphan.leased);
  if (leased.length > 0) log(`[stack] releasing ${leased.length} lease(s) left by the previous run`);
  for (const orphan of leased) await releaseLease(providers.dynamodb.client, orphan);
  const unqueued = orphans.filter((orphan) => !orphan.leased);
  if (unqueued.length > 0)
    log(`[stack] re-driving ${unqueued.length} image(s) left PROCESSING outside the queue`);
  for (const orphan of unqueued) {
    if (!(await returnToPending(providers.dynamodb.client, orphan))) continue;
    const key = originalKeyOf(orphan);
    const event = objectCreatedEvent(
      {
        bucket: names.localBucket,
        key,
        ...(await headOriginal(key)),
        sequencer: Date.now().toString(16).toUpperCase(),
      },
      'POST Object',
      { account: config.accountId, region: config.region, requestId: 'darkroom-restart', time: new Date() },
    );
    await providers.events.putEvent(event as unknown as Record<string, unknown>);
  }
}
