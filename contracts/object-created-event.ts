/** The EventBridge "Object Created" event S3 sends for each new object (bucket with EventBridge on). */
import { randomUUID } from 'node:crypto';

export type ObjectCreatedReason = 'PutObject' | 'POST Object' | 'CopyObject';

export interface ObjectCreatedEvent {
  version: '0';
  id: string;
  'detail-type': 'Object Created';
  source: 'aws.s3';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '0';
    bucket: { name: string };
    object: { key: string; size: number; etag: string; 'version-id'?: string; sequencer: string };
    'request-id': string;
    requester: string;
    'source-ip-address'?: string;
    reason: ObjectCreatedReason;
  };
}

export interface CreatedObject {
  bucket: string;
  key: string;
  size: number;
  /** Without quotes, as EventBridge carries it. */
  etag: string;
  /** Only on versioned buckets. */
  versionId?: string;
  sequencer: string;
}

export interface EventContext {
  account: string;
  region: string;
  requestId: string;
  sourceIp?: string;
  time: Date;
}

export function objectCreatedEvent(
  object: CreatedObject,
  reason: ObjectCreatedReason,
  context: EventContext,
): ObjectCreatedEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: context.account,
    // EventBridge's time has no milliseconds.
    time: context.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: {
        key: object.key,
        size: object.size,
        etag: object.etag,
        ...(object.versionId === undefined ? {} : { 'version-id': object.versionId }),
        sequencer: object.sequencer,
      },
      'request-id': context.requestId,
      requester: context.account,
      ...(context.sourceIp === undefined ? {} : { 'source-ip-address': context.sourceIp }),
      reason,
    },
  };
}
