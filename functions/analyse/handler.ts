/**
 * Pipeline step `analyse`: Rekognition labels, faces and moderation as the schema's Analysis, and for
 * a duplicate the moderator's APPROVE it inherits (docs/contracts.md, "Duplicates").
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient, rekognitionClient, s3Client } from '../shared/clients.ts';
import { inheritedReview, readReusableImage } from '../shared/duplicates.ts';
import { readEnv } from '../shared/env.ts';
import { decodableFormats } from '../shared/image-limits.ts';
import { milestonesFromEnvironment } from '../shared/milestones.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { analyseImage } from './analyse-image.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);
const milestones = milestonesFromEnvironment();

export const analyseEvent = imageReference(env.BUCKET_NAME).extend({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(decodableFormats),
  bytes: z.number().int().positive(),
  // Not in the contract's event yet: when the pipeline passes inspect's orientation, no header read is needed.
  orientation: z.number().int().min(1).max(8).optional(),
  /** inspect's finding: the owner's earlier image with the same bytes, whose analysis is reused. */
  duplicateOf: z.string().min(1).nullish(),
});

// Throttling and other Rekognition errors keep their names: the state machine retries on them.
export const handler = pipelineStep({
  name: 'analyse',
  schema: analyseEvent,
  run: async ({ duplicateOf, ...request }) => {
    const source = duplicateOf
      ? await readReusableImage(
          { documents: documentClient(), tableName: env.TABLE_NAME },
          { owner: request.owner, id: duplicateOf },
        )
      : null;
    // The same bytes were analysed already: no Rekognition call (three of them) is paid twice.
    if (source) metrics.addMetric('AnalysesReused', MetricUnit.Count, 1);
    const analysis =
      source?.analysis ?? (await analyseImage({ rekognition: rekognitionClient(), s3: s3Client() }, request));
    // The analysis itself is stored with the result: it holds the verdict, which comes last.
    await milestones.reached(request, 'ANALYSED');
    // Read with the analysis it goes with: the state machine's IsImageSafe weighs both (always
    // present, null when nothing is inherited, as a JSONPath on a missing field fails the state).
    return { analysis, inheritedReview: source ? inheritedReview(source) : null };
  },
  succeeded: ({ analysis, inheritedReview }) => {
    metrics.addMetric(analysis.isSafe ? 'ImagesSafe' : 'ImagesUnsafe', MetricUnit.Count, 1);
    if (inheritedReview) metrics.addMetric('ReviewsInherited', MetricUnit.Count, 1);
    return {
      message: 'analysed',
      fields: {
        labels: analysis.labels.length,
        faceCount: analysis.faceCount,
        moderationLabels: analysis.moderationLabels.map((label) => label.name),
        reviewInheritedFrom: inheritedReview?.inheritedFrom ?? null,
      },
    };
  },
});
