/**
 * The stack's own client for DynamoDB Local (AppSync's resolvers, the stack's housekeeping): the
 * SDK's client without the per-request middleware only a real service or a Lambda environment
 * reads. Each runs on every call, on the stack's main thread: the user agent string, the
 * recursion-detection trace header (a Lambda environment's only) and the logger's copy of every
 * answer through the sensitive-data filter (a walk of every attribute of every item; its default
 * logger then discards it). Together ≈ 0.1 ms of main-thread CPU per GetItem of ≈ 0.57 (3,000
 * sequential consistent GetItems, Node 24, after warm-up). Serialisation, SigV4 signing, retries
 * and deserialisation stay the SDK's.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** Middleware (by the SDK's names) whose work DynamoDB Local never reads. */
export const unreadMiddleware = [
  'getUserAgentMiddleware',
  'recursionDetectionMiddleware',
  'loggerMiddleware',
];

export function leanDynamoDbClient(config: DynamoDBClientConfig): DynamoDBClient {
  const client = new DynamoDBClient(config);
  for (const name of unreadMiddleware) client.middlewareStack.remove(name);
  return client;
}
