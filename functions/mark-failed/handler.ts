/** Pipeline Catch → "mark failed": the image becomes FAILED with `{code, message}`. */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import type { ImageFailure } from './describe-failure.ts';
import { markFailed } from './mark-failed.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const markFailedEvent = z.object({
  owner: z.string().min(1),
  id: z.string().min(1),
  error: z.object({ Error: z.string(), Cause: z.string().nullish() }),
  leaseToken: z.string().min(1),
});

export async function handler(
  event: unknown,
  context?: Context,
): Promise<{ marked: boolean } & ImageFailure> {
  if (context) logger.addContext(context);
  const input = parseEvent(markFailedEvent, event);
  const result = await markFailed(
    {
      documents: documentClient(),
      s3: s3Client(),
      tableName: env.TABLE_NAME,
      bucket: env.BUCKET_NAME,
      now: () => new Date(),
    },
    input,
  );
  logger.info(result.marked ? 'image marked FAILED' : 'image gone or already finished; not marked', {
    owner: input.owner,
    id: input.id,
    ...result,
  });
  return result;
}
