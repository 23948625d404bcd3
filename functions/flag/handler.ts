/** Pipeline step `flag`: blurred thumbnails over the same keys for an unsafe image (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { ValidationError } from '../shared/errors.ts';
import { placeholderSchema, thumbnailSchema } from '../shared/image-item.ts';
import { checkLease } from '../shared/lease-check.ts';
import { imageKey, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { blurThumbnails } from './blur-thumbnails.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const flagEvent = imageKey(env.BUCKET_NAME).extend({
  thumbnails: z.array(thumbnailSchema),
  /** The thumbnails step copied a FLAGGED duplicate's renditions: blurred already. */
  blurred: z.boolean().optional(),
  /** The thumbnails step's placeholder: kept when the renditions are blurred already. */
  placeholder: placeholderSchema.optional(),
  /**
   * The execution's fencing token ($$.Execution.Id): the purge waits for a lease check. The pipeline
   * always passes it; optional so that a definition from before it (a deploy's first minutes) still runs.
   */
  leaseToken: z.string().min(1).optional(),
});

export const handler = pipelineStep({
  name: 'flag',
  schema: flagEvent,
  run: ({ blurred, placeholder, leaseToken, ...request }) => {
    if (blurred && !placeholder) {
      throw new ValidationError('placeholder: required with blurred thumbnails (it is theirs)');
    }
    const deps = { documents: documentClient(), tableName: env.TABLE_NAME };
    return blurThumbnails(s3Client(), {
      ...request,
      blurred: blurred && placeholder ? { placeholder } : undefined,
      lease:
        leaseToken === undefined
          ? undefined
          : { token: leaseToken, check: () => checkLease(deps, request, leaseToken) },
    });
  },
  succeeded: (result) => {
    if (result.leaseLost) {
      metrics.addMetric('StaleStepsSkipped', MetricUnit.Count, 1);
      return {
        message: 'lease lost to a newer execution: nothing moved, own writes deleted',
        fields: { deletedVersions: result.deletedVersions },
      };
    }
    metrics.addMetric('ImagesFlagged', MetricUnit.Count, 1);
    return {
      message: 'thumbnails blurred, original quarantined',
      fields: { count: result.thumbnails.length, deletedVersions: result.deletedVersions },
    };
  },
});
