/** Pipeline step `inspect`: validates the original and returns its metadata (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient, s3Client } from '../shared/clients.ts';
import { findDuplicate } from '../shared/duplicates.ts';
import { readEnv } from '../shared/env.ts';
import { milestonesFromEnvironment } from '../shared/milestones.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { inspectObject } from './inspect-object.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);
const milestones = milestonesFromEnvironment();

export const inspectEvent = imageReference(env.BUCKET_NAME);

export const handler = pipelineStep({
  name: 'inspect',
  schema: inspectEvent,
  run: async (request) => {
    // UPLOADED was recorded by the claim (MarkProcessing); the first step publishes it while it
    // reads the original, and lets it finish before INSPECTED is written, so it still reads UPLOADED.
    const uploaded = milestones.announce(request);
    let inspection: Awaited<ReturnType<typeof inspectObject>>;
    try {
      inspection = await inspectObject(s3Client(), request);
    } finally {
      await uploaded;
    }
    const duplicateOf = await findDuplicate(
      { documents: documentClient(), tableName: env.TABLE_NAME },
      { owner: request.owner, id: request.id, sha256: inspection.sha256 },
    );
    const { width, height, format } = inspection;
    await milestones.reached(request, 'INSPECTED', { width, height, format });
    return { ...inspection, duplicateOf };
  },
  succeeded: (inspection) => {
    metrics.addMetric('ImagesInspected', MetricUnit.Count, 1);
    if (inspection.duplicateOf) metrics.addMetric('DuplicatesFound', MetricUnit.Count, 1);
    return { message: 'inspected', fields: { ...inspection } };
  },
});
