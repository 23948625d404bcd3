/** SQS event source → `dispatch` (functions/dispatch/dispatch.ts): one Express execution per message. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { appSyncClientFromEnvironment } from '../shared/appsync-client.ts';
import { documentClient, s3Client, snsClient } from '../shared/clients.ts';
import { isLocalEndpoint, readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, tracer } from '../shared/powertools.ts';
import { dispatchRecord } from './dispatch.ts';

const env = readEnv([
  'TABLE_NAME',
  'BUCKET_NAME',
  'GRAPHQL_URL',
  'TOPIC_ARN',
  'STATE_MACHINE_ARN',
  'QUEUE_URL',
  'RETRY_BACKOFF_SCALE',
]);
const appsync = appSyncClientFromEnvironment(env.GRAPHQL_URL);
// The SDK sends StartSyncExecution to the `sync-` host prefix, which a local endpoint does not have.
const sfn = tracer.captureAWSv3Client(new SFNClient({ disableHostPrefix: isLocalEndpoint() }));
const sqs = tracer.captureAWSv3Client(new SQSClient({}));
const backoffScale = Number(env.RETRY_BACKOFF_SCALE) > 0 ? Number(env.RETRY_BACKOFF_SCALE) : 1;

const sqsEvent = z.object({
  Records: z.array(
    z.looseObject({
      messageId: z.string().min(1),
      receiptHandle: z.string().min(1),
      body: z.string(),
      attributes: z.looseObject({ ApproximateReceiveCount: z.string() }),
    }),
  ),
});

export async function handler(event: unknown, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  const { Records } = parseEvent(sqsEvent, event);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    try {
      const settled = await dispatchRecord(
        {
          sfn,
          sqs,
          s3: s3Client(),
          bucket: env.BUCKET_NAME,
          documents: documentClient(),
          appsync,
          sns: snsClient(),
          topicArn: env.TOPIC_ARN,
          stateMachineArn: env.STATE_MACHINE_ARN,
          queueUrl: env.QUEUE_URL,
          tableName: env.TABLE_NAME,
          backoffScale,
          now: () => new Date(),
          log: (message, fields) => logger.warn(message, fields),
        },
        record as unknown as Parameters<typeof dispatchRecord>[1],
      );
      if (!settled) batchItemFailures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      // Whatever broke (DynamoDB at the limit, SQS), the message comes back and is tried again.
      logger.error('dispatch failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
