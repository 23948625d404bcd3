/**
 * Queue attributes: which exist, their defaults and ranges, as SQS validates them on CreateQueue
 * and SetQueueAttributes. Values are strings on the wire and are kept as strings.
 */
import { invalidParameter, sqsError } from './errors.ts';

/** Integer attributes: [min, max, default]. */
const integerAttributes: Record<string, [number, number, number]> = {
  DelaySeconds: [0, 900, 0],
  // AWS accepts up to 1 MiB since 2025; the default stays the long-standing 256 KiB here.
  MaximumMessageSize: [1024, 1_048_576, 262_144],
  MessageRetentionPeriod: [60, 1_209_600, 345_600],
  ReceiveMessageWaitTimeSeconds: [0, 20, 0],
  VisibilityTimeout: [0, 43_200, 30],
  KmsDataKeyReusePeriodSeconds: [60, 86_400, 300],
};

const settable = new Set([
  ...Object.keys(integerAttributes),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
]);

const fifoOnly = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

/** Computed by the queue, readable only. */
export const readOnlyAttributes = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

export const readableAttributes = new Set<string>([...readOnlyAttributes, ...settable]);

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** The attributes a new queue has when CreateQueue names none. */
export function defaultAttributes(): Record<string, string> {
  const attributes: Record<string, string> = { SqsManagedSseEnabled: 'true' };
  for (const [name, [, , fallback]] of Object.entries(integerAttributes)) {
    if (name !== 'KmsDataKeyReusePeriodSeconds') attributes[name] = String(fallback);
  }
  return attributes;
}

export function integerAttribute(attributes: Record<string, string>, name: string): number {
  return Number(attributes[name] ?? integerAttributes[name]?.[2] ?? 0);
}

/**
 * Checks attributes a caller sets; `deadLetterQueueExists` answers whether an ARN names a queue
 * and whether that queue's RedriveAllowPolicy lets `sourceArn` use it.
 */
export function validateAttributes(
  attributes: Record<string, unknown>,
  redriveTarget: (arn: string) => 'missing' | 'denied' | 'allowed',
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    if (fifoOnly.has(name)) {
      throw sqsError(
        'UnsupportedOperation',
        `The local SQS has standard queues only: ${name} is not supported.`,
      );
    }
    if (!settable.has(name)) throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    if (typeof raw !== 'string')
      throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
    const range = integerAttributes[name];
    if (range) {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < range[0] || value > range[1]) {
        throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      }
      result[name] = String(value);
      continue;
    }
    if (name === 'SqsManagedSseEnabled' && raw !== 'true' && raw !== 'false') {
      throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
    }
    if (name === 'RedrivePolicy' && raw !== '') parseRedrivePolicy(raw, redriveTarget);
    if (name === 'RedriveAllowPolicy' && raw !== '') checkRedriveAllowPolicy(raw);
    if (name === 'Policy' && raw !== '') {
      try {
        JSON.parse(raw);
      } catch {
        throw sqsError('InvalidAttributeValue', 'Invalid value for the parameter Policy.');
      }
    }
    result[name] = raw;
  }
  if (result.KmsMasterKeyId && result.SqsManagedSseEnabled === 'true') {
    throw sqsError(
      'InvalidAttributeName',
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    );
  }
  return result;
}

export function parseRedrivePolicy(
  raw: string,
  redriveTarget?: (arn: string) => 'missing' | 'denied' | 'allowed',
): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('RedrivePolicy', raw, 'Redrive policy is not a valid JSON map.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('RedrivePolicy', raw, 'Redrive policy is not a valid JSON map.');
  }
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string' || deadLetterTargetArn === '') {
    throw invalidParameter(
      'RedrivePolicy',
      raw,
      'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.',
    );
  }
  const count = Number(maxReceiveCount);
  if (maxReceiveCount === undefined) {
    throw invalidParameter(
      'RedrivePolicy',
      raw,
      'Redrive policy does not contain mandatory attribute: maxReceiveCount.',
    );
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter(
      'RedrivePolicy',
      raw,
      `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const verdict = redriveTarget?.(deadLetterTargetArn);
  if (verdict === 'missing')
    throw invalidParameter('RedrivePolicy', raw, 'Dead letter target does not exist.');
  if (verdict === 'denied') {
    throw invalidParameter(
      'RedrivePolicy',
      raw,
      'Queue is not allowed to use the dead letter target, as per its RedriveAllowPolicy.',
    );
  }
  return { deadLetterTargetArn, maxReceiveCount: count };
}

/** `{redrivePermission: allowAll | denyAll | byQueue, sourceQueueArns?}`; throws when malformed. */
export function checkRedriveAllowPolicy(raw: string): { permission: string; sources: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('RedriveAllowPolicy', raw, "Amazon SQS can't parse the policy.");
  }
  const policy = (parsed ?? {}) as Record<string, unknown>;
  const permission = policy.redrivePermission;
  const sources = policy.sourceQueueArns;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidParameter('RedriveAllowPolicy', raw, 'Invalid value for redrivePermission.');
  }
  if (permission === 'byQueue') {
    if (!Array.isArray(sources) || sources.length < 1 || sources.length > 10) {
      throw invalidParameter(
        'RedriveAllowPolicy',
        raw,
        'sourceQueueArns must list 1 to 10 queue ARNs for byQueue.',
      );
    }
    return { permission, sources: sources.map(String) };
  }
  if (sources !== undefined) {
    throw invalidParameter('RedriveAllowPolicy', raw, 'sourceQueueArns is allowed only with byQueue.');
  }
  return { permission, sources: [] };
}
