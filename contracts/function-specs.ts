/**
 * Every Lambda function of darkroom, described once: the CDK app builds a NodejsFunction from each
 * spec and the local stack runs the same handler with the same environment, timeout and memory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flow } from './flow.ts';
import { names } from './names.ts';

/**
 * Cloud-only environment of signUrls, set by infra/cdn.ts: with all three it signs CloudFront URLs,
 * with none (the local stack) presigned S3 GETs.
 */
export const cdnEnv = {
  domain: 'CDN_DOMAIN',
  keyPairId: 'CDN_KEY_PAIR_ID',
  privateKeySecretArn: 'CDN_PRIVATE_KEY_SECRET_ARN',
} as const;

/** Environment variables a function may need; the values come from the stack (cloud or local). */
export type FunctionEnvKey =
  | 'TABLE_NAME'
  | 'BUCKET_NAME'
  | 'GRAPHQL_URL'
  | 'TOPIC_ARN'
  | 'STATE_MACHINE_ARN'
  | 'QUEUE_URL'
  /** Multiplies dispatch's backoff; '1' everywhere except tests of the retry limit. */
  | 'RETRY_BACKOFF_SCALE';

export interface FunctionSpec {
  /** The folder under functions/. */
  folder: string;
  /** The deployed function name. */
  functionName: string;
  description: string;
  env: readonly FunctionEnvKey[];
  timeoutSeconds: number;
  memoryMb: number;
  /** Upper bound on concurrent executions locally (2 cores); in the cloud, account concurrency applies. */
  localConcurrency: number;
  /**
   * Locally, when the function's first worker starts: at boot (default: the upload path and the
   * pipeline, warm for the first image) or on its first invocation, a cold start as Lambda's own,
   * for functions called rarely; their workers also end when idle. Each worker is an isolate of
   * ~55 MB in the stack's one process (docs/pipeline-cpu.md, memory).
   */
  localStart?: 'boot' | 'on-demand';
}

export const functionSpecs = {
  createUpload: {
    folder: 'create-upload',
    functionName: names.functions.createUpload,
    description: 'requestUpload: presigned POST for the original',
    env: ['BUCKET_NAME'],
    timeoutSeconds: 10,
    memoryMb: 256,
    // Presigning is local crypto, ~1 CPU-ms and no I/O: one worker serves a 32-client burst, where
    // 4 started 3 workers (~55 MB each) that earned nothing (docs/pipeline-cpu.md).
    localConcurrency: 1,
  },
  deleteImage: {
    folder: 'delete-image',
    functionName: names.functions.deleteImage,
    description: 'deleteImage: every S3 object of the image, then the item',
    env: ['TABLE_NAME', 'BUCKET_NAME'],
    timeoutSeconds: 30,
    memoryMb: 256,
    localConcurrency: 2,
    localStart: 'on-demand',
  },
  signUrls: {
    folder: 'sign-urls',
    functionName: names.functions.signUrls,
    description: 'Image.thumbnails URLs (and Image.originalUrl): signed GETs, batched',
    env: ['BUCKET_NAME'],
    timeoutSeconds: 10,
    memoryMb: 256,
    localConcurrency: 4,
  },
  inspect: {
    folder: 'inspect',
    functionName: names.functions.inspect,
    description: 'Pipeline: validate the original and read its metadata',
    // TABLE_NAME, GRAPHQL_URL: the step records and publishes its milestone (functions/shared/milestones.ts).
    env: ['TABLE_NAME', 'BUCKET_NAME', 'GRAPHQL_URL'],
    timeoutSeconds: 30,
    memoryMb: 1024,
    localConcurrency: 2,
  },
  thumbnails: {
    folder: 'thumbnails',
    functionName: names.functions.thumbnails,
    description: 'Pipeline: small/medium/large renditions as JPEG and WebP',
    // TABLE_NAME, GRAPHQL_URL: the step records and publishes its milestone (functions/shared/milestones.ts).
    env: ['TABLE_NAME', 'BUCKET_NAME', 'GRAPHQL_URL'],
    timeoutSeconds: 60,
    memoryMb: 2048,
    localConcurrency: 2,
  },
  analyse: {
    folder: 'analyse',
    functionName: names.functions.analyse,
    description: 'Pipeline: labels, faces and moderation with Rekognition',
    // TABLE_NAME, GRAPHQL_URL: the step records and publishes its milestone (functions/shared/milestones.ts).
    env: ['TABLE_NAME', 'BUCKET_NAME', 'GRAPHQL_URL'],
    timeoutSeconds: 60,
    memoryMb: 1024,
    // One worker locally: its detections are answered one image at a time anyway (the local vision
    // engine is one worker thread; vision off, they are instant), and in the Parallel state it runs
    // beside thumbnails, the longer branch. A second worker (~60 MB) would have nothing to overlap.
    localConcurrency: 1,
  },
  flag: {
    folder: 'flag',
    functionName: names.functions.flag,
    description: 'Pipeline: replace the thumbnails of an unsafe image with blurred renditions',
    // TABLE_NAME: the lease check before the purge (functions/shared/lease-check.ts).
    env: ['TABLE_NAME', 'BUCKET_NAME'],
    timeoutSeconds: 60,
    memoryMb: 1024,
    localConcurrency: 2,
    localStart: 'on-demand',
  },
  saveResult: {
    folder: 'save-result',
    functionName: names.functions.saveResult,
    description: 'Pipeline: write the result if the image is still PROCESSING, else clean up',
    env: ['TABLE_NAME', 'BUCKET_NAME'],
    timeoutSeconds: 30,
    memoryMb: 256,
    localConcurrency: 4,
  },
  markFailed: {
    folder: 'mark-failed',
    functionName: names.functions.markFailed,
    description: 'Pipeline: mark the image FAILED with {code, message}',
    env: ['TABLE_NAME', 'BUCKET_NAME'],
    timeoutSeconds: 10,
    memoryMb: 256,
    localConcurrency: 4,
    localStart: 'on-demand',
  },
  publish: {
    folder: 'publish',
    functionName: names.functions.publish,
    description: 'Pipeline: announces a terminal state (AppSync publish, SNS) and records it',
    env: ['GRAPHQL_URL', 'TABLE_NAME', 'TOPIC_ARN'],
    timeoutSeconds: 30,
    memoryMb: 256,
    localConcurrency: 4,
  },
  dispatch: {
    folder: 'dispatch',
    functionName: names.functions.dispatch,
    description: 'Queue consumer: one synchronous Express execution per upload, backoff on platform errors',
    env: [
      'TABLE_NAME',
      'BUCKET_NAME',
      'GRAPHQL_URL',
      'TOPIC_ARN',
      'STATE_MACHINE_ARN',
      'QUEUE_URL',
      'RETRY_BACKOFF_SCALE',
    ],
    timeoutSeconds: flow.dispatchTimeoutSeconds,
    memoryMb: 256,
    // The event source mapping's MaximumConcurrency is the bound; the pool only has to admit it.
    localConcurrency: flow.localMaximumConcurrency,
  },
  reviewImage: {
    folder: 'review-image',
    functionName: names.functions.reviewImage,
    description:
      'reviewImage: a moderator decides a FLAGGED image once (approve: queue a re-render; reject: delete)',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'QUEUE_URL', 'GRAPHQL_URL', 'TOPIC_ARN'],
    timeoutSeconds: 30,
    memoryMb: 256,
    localConcurrency: 2,
    localStart: 'on-demand',
  },
  approve: {
    folder: 'approve',
    functionName: names.functions.approve,
    description: 'Pipeline: unblurred renditions of an approved image from its quarantined original',
    env: ['TABLE_NAME', 'BUCKET_NAME'],
    timeoutSeconds: 60,
    memoryMb: 2048,
    localConcurrency: 2,
    localStart: 'on-demand',
  },
  sweeper: {
    folder: 'sweeper',
    functionName: names.functions.sweeper,
    description: 'Fails images stuck in PROCESSING past the pipeline timeout, and publishes them',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'GRAPHQL_URL', 'TOPIC_ARN'],
    timeoutSeconds: 120,
    memoryMb: 256,
    localConcurrency: 1,
    localStart: 'on-demand',
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionId = keyof typeof functionSpecs;

/**
 * The alias every caller invokes (the state machine, AppSync data sources, the upload queue's event
 * source mapping, schedules): CodeDeploy shifts it to a new version canary-first in the cloud; the
 * local Lambda models it as an alias of `$LATEST`, the one version it runs.
 */
export const liveAlias = 'live';

/** The version an unqualified Invoke runs, and the only one the local stack has. */
export const latestVersion = '$LATEST';

/** `name:live`: how a caller names a function's live alias (a full ARN ends the same way). */
export function liveFunctionName(functionName: string): string {
  return `${functionName}:${liveAlias}`;
}

/**
 * The CodeDeploy pre-traffic hook: cloud-only (the local stack has no deployments), so not a spec
 * the local Lambda runs. `targetVersionsVariable` holds `{deploymentGroupName: versionArn}`.
 */
export const preTrafficHook = {
  folder: 'pre-traffic-hook',
  functionName: 'darkroom-pre-traffic-hook',
  targetVersionsVariable: 'TARGET_VERSIONS',
} as const;

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Absolute path of a function's handler module. */
export function handlerEntry(spec: FunctionSpec): string {
  return path.join(root, 'functions', spec.folder, 'handler.ts');
}
