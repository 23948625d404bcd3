/**
 * The errors that pass: AWS trouble (throttling, 5xx, timeouts) that a retry with backoff can get
 * past, by the names the pipeline sees them under. pipeline.asl.json's Retry lists must cover them
 * (contracts/pipeline.asl.test.ts holds it to that); an image's own failure is never among them.
 */

/** What a pipeline function throws for a transient AWS error: the SDK v3 error's `name`, which the Lambda runtime reports as the errorType and Step Functions as `Error`. */
export const transientFunctionErrors = [
  // Throttling: Rekognition and DynamoDB.
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  // Rekognition's and DynamoDB's 5xx.
  'InternalServerError',
  'ServiceUnavailableException',
  // S3's 5xx and throttling.
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
  // The SDK's own socket timeout.
  'TimeoutError',
  // DeleteObjects answered 200 with per-key errors (S3 reports its 5xx there): purging again is safe.
  'PurgeFailed',
] as const;

/** Errors of the optimized DynamoDB integration (`DynamoDB.` + the error) that pass. */
export const transientDynamoDbTaskErrors = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.RequestLimitExceeded',
  // The SDK v3 model's name (what the local stack raises) and the Java SDK's, which AWS reports.
  'DynamoDB.InternalServerError',
  'DynamoDB.InternalServerErrorException',
  'DynamoDB.SdkClientException',
] as const;
