/** Pipeline step `inspect`: validates the original and returns its metadata (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { inspectObject } from './inspect-object.ts';

const env = readEnv(['BUCKET_NAME']);

export const inspectEvent = imageReference(env.BUCKET_NAME);

export const handler = pipelineStep({
  name: 'inspect',
  schema: inspectEvent,
  run: (request) => inspectObject(s3Client(), request),
  succeeded: (inspection) => {
    metrics.addMetric('ImagesInspected', MetricUnit.Count, 1);
    return { message: 'inspected', fields: { ...inspection } };
  },
});
