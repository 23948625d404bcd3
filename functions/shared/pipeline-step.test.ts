import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CorruptImageError } from './errors.ts';
import { classifyFailure, imageReference, pipelineStep } from './pipeline-step.ts';
import { logger, metrics } from './powertools.ts';

const schema = imageReference('bucket-1');
const event = { bucket: 'bucket-1', key: 'uploads/o/i/original', versionId: 'v-1', owner: 'o', id: 'i' };

afterEach(() => vi.restoreAllMocks());

function spies() {
  vi.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
  return {
    metric: vi.spyOn(metrics, 'addMetric'),
    warn: vi.spyOn(logger, 'warn').mockImplementation(() => {}),
    error: vi.spyOn(logger, 'error').mockImplementation(() => {}),
    info: vi.spyOn(logger, 'info').mockImplementation(() => {}),
    keys: vi.spyOn(logger, 'appendKeys'),
  };
}

const metricNames = (spy: ReturnType<typeof spies>['metric']) => spy.mock.calls.map(([name]) => name);

describe('pipelineStep', () => {
  it('validates the event, tags the logs with the image and returns the step’s result', async () => {
    const s = spies();
    const handler = pipelineStep({
      name: 'probe',
      schema,
      run: async (request) => ({ seen: request.id }),
      succeeded: (result) => ({ message: 'done', fields: result }),
    });

    expect(await handler(event)).toEqual({ seen: 'i' });
    expect(s.keys).toHaveBeenCalledWith({ owner: 'o', id: 'i', step: 'probe' });
    expect(s.info).toHaveBeenCalledWith('done', { seen: 'i' });
    expect(metricNames(s.metric)).toEqual(['probeMs']);
  });

  it('rethrows an image error unchanged and counts it as the image’s fault', async () => {
    const s = spies();
    const refusal = new CorruptImageError('truncated');
    const handler = pipelineStep({
      name: 'probe',
      schema,
      run: async () => {
        throw refusal;
      },
      succeeded: () => ({ message: 'never' }),
    });

    await expect(handler(event)).rejects.toBe(refusal);
    expect(metricNames(s.metric)).toContain('ImageErrors');
    expect(s.warn).toHaveBeenCalled();
    expect(s.error).not.toHaveBeenCalled();
  });

  it('counts throttling and unknown errors as platform failures', async () => {
    const s = spies();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const handler = pipelineStep({
      name: 'probe',
      schema,
      run: async () => {
        throw throttled;
      },
      succeeded: () => ({ message: 'never' }),
    });

    await expect(handler(event)).rejects.toBe(throttled);
    expect(metricNames(s.metric)).toContain('PlatformErrors');
    expect(s.error).toHaveBeenCalled();
  });

  it('refuses an event for another bucket with a ValidationError naming the field', async () => {
    spies();
    const handler = pipelineStep({
      name: 'probe',
      schema: schema.extend({ extra: z.number() }),
      run: async () => 1,
      succeeded: () => ({ message: 'never' }),
    });

    await expect(handler({ ...event, bucket: 'other', extra: 1 })).rejects.toMatchObject({
      name: 'ValidationError',
      message: /bucket/,
    });
  });
});

describe('classifyFailure', () => {
  it('puts each error on its side of the taxonomy', () => {
    expect(classifyFailure(new CorruptImageError('x'))).toBe('image');
    expect(classifyFailure(Object.assign(new Error('x'), { name: 'InternalServerError' }))).toBe('platform');
    expect(classifyFailure('a string')).toBe('platform');
  });
});
