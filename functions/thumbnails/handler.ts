/**
 * Pipeline step `thumbnails`: six renditions of the original written to S3, or a duplicate's copied
 * from the image it duplicates (docs/contracts.md).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readReusableImage } from '../shared/duplicates.ts';
import { readEnv } from '../shared/env.ts';
import { milestonesFromEnvironment } from '../shared/milestones.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { discardIfLeaseLost, type LeaseView } from './discard-if-lease-lost.ts';
import { reuseOrMakeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);
const milestones = milestonesFromEnvironment();

export const thumbnailsEvent = imageReference(env.BUCKET_NAME).extend({
  /** inspect's finding: the owner's earlier image with the same bytes. */
  duplicateOf: z.string().min(1).nullish(),
  /**
   * The execution's fencing token ($$.Execution.Id). The pipeline always passes it; a caller that
   * holds no lease (a tool re-rendering a finished image) omits it and cleans up after itself.
   */
  leaseToken: z.string().min(1).optional(),
});

export const handler = pipelineStep({
  name: 'thumbnails',
  schema: thumbnailsEvent,
  run: async ({ duplicateOf, leaseToken, ...request }) => {
    const s3 = s3Client();
    const source = duplicateOf
      ? await readReusableImage(
          { documents: documentClient(), tableName: env.TABLE_NAME },
          { owner: request.owner, id: duplicateOf },
        )
      : null;
    const { written, ...result } = await reuseOrMakeThumbnails(s3, request, source);
    // The renditions exist; their keys and URLs reach the item only with the verdict (save-result).
    if (leaseToken === undefined) {
      await milestones.reached(request, 'THUMBNAILS_READY');
    } else {
      // One conditional write records the milestone and checks the lease (docs/contracts.md).
      const check = await milestones.reachedUnderLease(request, 'THUMBNAILS_READY', leaseToken);
      if (check.lease !== 'held') {
        await discardIfLeaseLost(
          { documents: documentClient(), s3, tableName: env.TABLE_NAME, bucket: env.BUCKET_NAME },
          { owner: request.owner, id: request.id, leaseToken },
          written,
          check.lease === 'lost' ? { item: check.item as LeaseView | undefined } : undefined,
        );
      }
    }
    return result;
  },
  succeeded: (result, elapsedMs) => {
    if (result.reusedFrom) metrics.addMetric('ThumbnailsReused', MetricUnit.Count, 1);
    return {
      message: result.reusedFrom ? 'thumbnails copied from a duplicate' : 'thumbnails written',
      fields: { count: result.thumbnails.length, reusedFrom: result.reusedFrom, elapsedMs },
    };
  },
});
