/**
 * Flow control, defined once (issue 12): S3 Object Created → EventBridge rule → SQS queue → event
 * source mapping (batch size 1, bounded concurrency) → `dispatch` → StartSyncExecution of the
 * Express pipeline. The CDK app and the local stack both build the queue, the DLQ and the mapping
 * from this spec; `dispatch`, the pipeline and the sweeper read its limits and error taxonomy.
 */
import { limits } from './names.ts';

/** Clamps to ScalingConfig.MaximumConcurrency's allowed range (2–1000). */
export function clampMaximumConcurrency(value: number): number {
  return Math.min(1000, Math.max(2, Math.floor(value)));
}

/**
 * Little's law: images in flight L = arrival rate λ × time in the system W.
 * - λ: each image calls DetectLabels, DetectFaces and DetectModerationLabels once; each API has
 *   its own TPS quota, 5–50 by region. We size for the smallest default, 5 TPS → 5 images/s.
 * - W: seconds one image spends in the workflow (inspect, thumbnails ∥ analyse, save, publish),
 *   about 4 s for a 2 MP photo at the functions' memory sizes.
 * - L = 5 images/s × 4 s = 20 concurrent executions, which keeps Rekognition at its quota instead
 *   of throttling; clamped to 2–1000 as MaximumConcurrency requires.
 */
export const rekognitionTpsQuota = 5;
export const secondsPerImage = 4;
export const cloudMaximumConcurrency = clampMaximumConcurrency(rekognitionTpsQuota * secondsPerImage);

/**
 * `dispatch` waits for the Express execution (which runs up to its 5 min timeout and continues after
 * a caller gives up): its own timeout is above that, so it never abandons a running execution.
 */
export const dispatchTimeoutSeconds = limits.pipelineTimeoutSeconds + 30;

export const flow = {
  queueName: 'darkroom-uploads',
  deadLetterQueueName: 'darkroom-uploads-dlq',
  /** Batch size 1: with more, the real bound would be concurrency × batch size. */
  batchSize: 1,
  /** Receives before SQS moves a message to the DLQ (RedrivePolicy.maxReceiveCount). */
  maxReceiveCount: 10,
  dispatchTimeoutSeconds,
  /** AWS's advice for Lambda consumers: at least 6× the function timeout. */
  visibilityTimeoutSeconds: 6 * dispatchTimeoutSeconds,
  /** 14 days, SQS's maximum, for both queues: a redrive can come late. */
  retentionSeconds: 14 * 24 * 60 * 60,
  /** ScalingConfig.MaximumConcurrency in the cloud (see the derivation above). */
  maximumConcurrency: cloudMaximumConcurrency,
  /** Locally the bound is the 2 cores: two executions at a time keep sharp and the workers busy. */
  localMaximumConcurrency: 2,
  reportBatchItemFailures: true,
  /**
   * How long a claim (the lease on the item) holds: an execution cannot run longer than the
   * workflow's timeout, so after it (plus a margin for clock skew) nobody can still be working.
   */
  leaseSeconds: limits.pipelineTimeoutSeconds + 30,
  backoff: { baseSeconds: 10, maxSeconds: 300 },
} as const;

/**
 * Seconds a message stays invisible after its `receiveCount`-th attempt failed for a platform
 * reason: 10, 20, 40, … capped at 5 min. `scale` shortens it in tests (never below 1 s).
 */
export function backoffSeconds(receiveCount: number, scale = 1): number {
  const exponent = Math.max(0, Math.floor(receiveCount) - 1);
  const seconds = Math.min(flow.backoff.maxSeconds, flow.backoff.baseSeconds * 2 ** exponent);
  return Math.max(1, Math.round(seconds * scale));
}

/**
 * The documented limit: the longest an upload can keep being retried for platform reasons before
 * it is FAILED with a retryable code: every attempt's backoff plus every attempt running to its
 * timeout. (Backoffs after receives 1..max-1; the last attempt ends in the DLQ.)
 */
export function retryHorizonSeconds(): number {
  let total = 0;
  for (let receive = 1; receive < flow.maxReceiveCount; receive += 1) total += backoffSeconds(receive);
  return total + flow.maxReceiveCount * flow.dispatchTimeoutSeconds;
}

/**
 * Errors caused by the image itself: terminal. The item is FAILED with the code, published and
 * notified, and the execution ends in a Succeed state. The names are the functions' error classes
 * (functions/shared/errors.ts), which Step Functions reports as `Error`.
 */
export const imageErrorCodes = [
  'UnsupportedImage',
  'ImageTooLarge',
  'CorruptImage',
  'NotFound',
  'ValidationError',
] as const;
export type ImageErrorCode = (typeof imageErrorCodes)[number];

/**
 * FAILED codes that mean "the platform gave up", not "the image is bad": a later redrive (DLQ →
 * queue) may claim such an item again and finish it.
 */
export const retryableFailureCodes = {
  /** Platform errors outlasted every retry (the message reached the DLQ). */
  serviceUnavailable: 'ServiceUnavailable',
  /** Every attempt timed out, or the last lease expired with no message left. */
  processingTimeout: 'ProcessingTimeout',
} as const;
export const retryableFailureCodeList = Object.values(retryableFailureCodes);

/** Execution statuses StartSyncExecution reports. */
export type SyncExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

/** Whether an error code (a Step Functions `Error`) is the image's fault; everything else is the platform's. */
export function isImageError(code: string): boolean {
  return (imageErrorCodes as readonly string[]).includes(code);
}

/**
 * Examples of platform errors, for the docs and tests: each one ends the execution in Fail and the
 * message returns to the queue. The rule is "not an image error", so unknown errors retry too.
 */
export const platformErrorExamples = [
  'States.Timeout',
  'States.TaskFailed',
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Sandbox.Timedout',
  'Runtime.ExitError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'LeaseHeld',
] as const;

/** The Fail state's error when the item's lease is held by another, unexpired execution. */
export const leaseHeldError = 'LeaseHeld';
