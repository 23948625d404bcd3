/**
 * The one shape of a pipeline step's handler (inspect, thumbnails, analyse, flag): validate the
 * event, tag every log line with the image, run the step, count and log the outcome, and classify a
 * failure by the error taxonomy (contracts/flow.ts) — an image error is the image's fault and ends
 * it FAILED; anything else is the platform's and is retried. The error is rethrown unchanged: its
 * name is the code Step Functions routes on.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { isImageError } from '../../contracts/flow.ts';
import { parseEvent } from './parse-event.ts';
import { logger, metrics } from './powertools.ts';

/** The fields every step's event starts with: which image, and where its original is. */
export function imageReference(bucketName: string) {
  return z.object({
    bucket: z.literal(bucketName, { error: 'must be the image bucket' }),
    key: z.string().min(1),
    /** The version the upload event carries: every step reads exactly the bytes that claimed the item. */
    versionId: z.string().min(1),
    owner: z.string().min(1),
    id: z.string().min(1),
  });
}

/** The item key part alone (flag has no original key to read). */
export function imageKey(bucketName: string) {
  return imageReference(bucketName).omit({ key: true });
}

export interface PipelineStep<S extends z.ZodType<{ owner: string; id: string }>, R> {
  /** The step's name in logs ("inspect"). */
  name: string;
  schema: S;
  run: (request: z.output<S>) => Promise<R>;
  /** What to log and count on success (the step's own metrics). */
  succeeded: (result: R, elapsedMs: number) => { message: string; fields?: Record<string, unknown> };
}

export type StepFailure = 'image' | 'platform';

/** Which side of the taxonomy an error is on. */
export function classifyFailure(error: unknown): StepFailure {
  return error instanceof Error && isImageError(error.name) ? 'image' : 'platform';
}

export function pipelineStep<S extends z.ZodType<{ owner: string; id: string }>, R>(
  step: PipelineStep<S, R>,
): (event: unknown, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const started = performance.now();
    try {
      const request = parseEvent(step.schema, event);
      logger.appendKeys({ owner: request.owner, id: request.id, step: step.name });
      const result = await step.run(request);
      const { message, fields } = step.succeeded(result, performance.now() - started);
      logger.info(message, fields ?? {});
      return result;
    } catch (error) {
      const failure = classifyFailure(error);
      // An image error is an outcome (logged as a warning); a platform error is ours to look at.
      if (failure === 'image') logger.warn(`${step.name}: image refused`, error as Error);
      else logger.error(`${step.name}: platform failure, the pipeline retries`, error as Error);
      metrics.addMetric(failure === 'image' ? 'ImageErrors' : 'PlatformErrors', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.addMetric(`${step.name}Ms`, MetricUnit.Milliseconds, performance.now() - started);
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
