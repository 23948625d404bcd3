/**
 * SQS's errors over the AWS JSON protocol. SQS is "awsQueryCompatible": besides `__type` it sends
 * `x-amzn-query-error: <query code>;Sender`, and the SDK names the error from that code (so
 * `AWS.SimpleQueueService.NonExistentQueue` becomes a `QueueDoesNotExist` with `Code` set).
 */
import type { ServerResponse } from 'node:http';
import { AwsError, sendJson } from '../../provider.ts';

/** Modelled errors: shape name → [query code, HTTP status], as in the SQS service model. */
const modelled: Record<string, [string, number]> = {
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  OverLimit: ['OverLimit', 403],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  RequestThrottled: ['RequestThrottled', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
};

/** An SQS error by its shape name (`QueueDoesNotExist`) or unmodelled code (`InvalidParameterValue`). */
export function sqsError(code: string, message: string, status?: number): AwsError {
  return new AwsError(code, message, status ?? modelled[code]?.[1] ?? 400);
}

export const queueDoesNotExist = (): AwsError =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export function invalidParameter(name: string, value: unknown, reason: string): AwsError {
  return sqsError(
    'InvalidParameterValue',
    `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );
}

export function missingParameter(name: string): AwsError {
  return sqsError('MissingParameter', `The request must contain the parameter ${name}.`);
}

/** Answers an error as SQS does on the JSON protocol (a fault's own code passes through as is). */
export function sendSqsError(res: ServerResponse, error: AwsError, requestId: string): void {
  const queryCode = modelled[error.code]?.[0] ?? error.code;
  const fault = error.status >= 500 ? 'Receiver' : 'Sender';
  sendJson(
    res,
    error.status,
    { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
    {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${queryCode};${fault}`,
      'x-amzn-requestid': requestId,
    },
  );
}
