/**
 * Step Functions' own names for errors raised by Task integrations, so that Retry and Catch in the
 * definition match locally exactly as they do in AWS (aws-local-stepfunctions matches on `name`
 * and reports `message` as the Cause).
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { AwsError } from '../../provider.ts';

/** An error as a Task state reports it: `name` is the Error, `message` the Cause. */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * lambda:invoke errors. Lambda's own refusals (throttling, unknown function) come from the local
 * Lambda provider as AwsError and get the `Lambda.` prefix; a function's error keeps its name, and
 * its Cause is the JSON Lambda reports (`{errorType, errorMessage, trace}`), which mark-failed parses.
 */
export function lambdaTaskError(error: unknown): TaskError {
  if (error instanceof AwsError) {
    const name = error.code.startsWith('Lambda.') ? error.code : `Lambda.${error.code}`;
    return new TaskError(name, error.message);
  }
  if (error instanceof Error) {
    if (error.name.startsWith('Lambda.')) return new TaskError(error.name, error.message);
    const trace =
      'trace' in error && Array.isArray(error.trace) ? error.trace : (error.stack?.split('\n') ?? []);
    const cause = JSON.stringify({ errorType: error.name, errorMessage: error.message, trace });
    return new TaskError(error.name, cause);
  }
  return new TaskError('Lambda.Unknown', messageOf(error));
}

/** Whether an SDK error came back from the service (as opposed to a network or client failure). */
function isServiceError(error: unknown): error is Error & { $metadata: unknown } {
  return error instanceof Error && '$metadata' in error && '$fault' in error;
}

/** Errors of the optimized DynamoDB integration: `DynamoDB.ConditionalCheckFailedException`, … */
export function dynamoDbTaskError(error: unknown): TaskError {
  if (!isServiceError(error)) return new TaskError('DynamoDB.SdkClientException', messageOf(error));
  // Errors the SDK does not model arrive as the base class; AWS reports those generically.
  const generic = Object.getPrototypeOf(error) === DynamoDBServiceException.prototype;
  return new TaskError(`DynamoDB.${generic ? 'AmazonDynamoDBException' : error.name}`, error.message);
}

/** Errors of the optimized SNS integration: `SNS.ThrottledException`, … */
export function snsTaskError(error: unknown): TaskError {
  if (!isServiceError(error)) return new TaskError('SNS.SdkClientException', messageOf(error));
  const generic = Object.getPrototypeOf(error) === SNSServiceException.prototype;
  return new TaskError(`SNS.${generic ? 'AmazonSNSException' : error.name}`, error.message);
}

/**
 * Errors of the `aws-sdk:s3:*` integration. AWS names them after the Java SDK's exception classes:
 * a modeled error gets an `Exception` suffix (`S3.NoSuchBucketException`), the rest are `S3.S3Exception`.
 */
export function s3TaskError(error: unknown): TaskError {
  if (!isServiceError(error)) return new TaskError('S3.SdkClientException', messageOf(error));
  if (Object.getPrototypeOf(error) === S3ServiceException.prototype)
    return new TaskError('S3.S3Exception', error.message);
  const name = error.name.endsWith('Exception') ? error.name : `${error.name}Exception`;
  return new TaskError(`S3.${name}`, error.message);
}
