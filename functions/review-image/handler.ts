/** Lambda data source `reviewImage`: a moderator's decision (functions/review-image/review-image.ts). */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { limits } from '../../contracts/names.ts';
import { appSyncClientFromEnvironment } from '../shared/appsync-client.ts';
import { documentClient, s3Client, snsClient } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, tracer } from '../shared/powertools.ts';
import { type ReviewOutcome, reviewImage } from './review-image.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME', 'QUEUE_URL', 'GRAPHQL_URL', 'TOPIC_ARN']);
const appsync = appSyncClientFromEnvironment(env.GRAPHQL_URL);
const sqs = tracer.captureAWSv3Client(new SQSClient({}));

export const reviewImageEvent = z.object({
  owner: z.string().min(1),
  id: z.string().min(1),
  decision: z.enum(['APPROVE', 'REJECT']),
  note: z.string().max(limits.maxReviewNoteLength).nullish(),
  reviewer: z.string().min(1),
});

export async function handler(event: unknown, context?: Context): Promise<ReviewOutcome> {
  if (context) logger.addContext(context);
  const request = parseEvent(reviewImageEvent, event);
  const outcome = await reviewImage(
    {
      s3: s3Client(),
      sqs,
      documents: documentClient(),
      appsync,
      sns: snsClient(),
      tableName: env.TABLE_NAME,
      topicArn: env.TOPIC_ARN,
      bucket: env.BUCKET_NAME,
      queueUrl: env.QUEUE_URL,
      now: () => new Date(),
      log: (message, fields) => logger.info(message, fields),
    },
    request,
  );
  logger.info('review', {
    owner: request.owner,
    id: request.id,
    decision: request.decision,
    reviewer: request.reviewer,
    outcome: outcome.outcome,
  });
  return outcome;
}
