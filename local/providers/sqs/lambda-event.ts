/** The Lambda event an SQS event source mapping builds from received messages, field for field. */
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export interface EventSource {
  queueArn: string;
  region: string;
}

function messageAttributes(message: Message): SQSMessageAttributes {
  const attributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return attributes;
}

/** One record as Lambda passes it (`attributes` are the message's system attributes, as received). */
export function sqsRecord(message: Message, source: EventSource): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) } as unknown as SQSRecordAttributes,
    messageAttributes: messageAttributes(message),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

/**
 * The message ids a ReportBatchItemFailures response keeps in the queue, or 'all' when the
 * response makes the whole batch a failure (AWS: an unknown, empty or missing itemIdentifier,
 * or a response that is not an object). Null, `{}` and an empty list mean complete success.
 */
export function failedItems(response: unknown, batchIds: ReadonlySet<string>): Set<string> | 'all' {
  if (response === null || response === undefined) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    ids.add(id);
  }
  return ids;
}
