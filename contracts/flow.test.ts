import { describe, expect, it } from 'vitest';
import {
  backoffSeconds,
  clampMaximumConcurrency,
  flow,
  isImageError,
  platformErrorExamples,
  rekognitionTpsQuota,
  retryableFailureCodeList,
  retryHorizonSeconds,
  secondsPerImage,
} from './flow.ts';
import { limits } from './names.ts';

describe('flow spec', () => {
  it('waits longer than an Express execution can run, and hides a message 6× that long', () => {
    expect(flow.dispatchTimeoutSeconds).toBeGreaterThan(limits.pipelineTimeoutSeconds);
    expect(flow.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * flow.dispatchTimeoutSeconds);
    expect(flow.batchSize).toBe(1);
    expect(flow.maxReceiveCount).toBe(10);
  });

  it('derives MaximumConcurrency by Little’s law and clamps it to 2–1000', () => {
    expect(flow.maximumConcurrency).toBe(rekognitionTpsQuota * secondsPerImage);
    expect(clampMaximumConcurrency(0.5)).toBe(2);
    expect(clampMaximumConcurrency(5000)).toBe(1000);
    expect(clampMaximumConcurrency(20.7)).toBe(20);
    expect(flow.localMaximumConcurrency).toBe(2);
  });

  it('backs off exponentially from the receive count, capped, and scales for tests', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((count) => backoffSeconds(count))).toEqual([
      10, 20, 40, 80, 160, 300, 300,
    ]);
    expect(backoffSeconds(0)).toBe(10);
    expect(backoffSeconds(3, 0.01)).toBe(1);
    expect(backoffSeconds(6, 0.1)).toBe(30);
  });

  it('documents a finite retry horizon: backoffs plus every attempt at its timeout', () => {
    const backoffs = 10 + 20 + 40 + 80 + 160 + 300 * 4;
    expect(retryHorizonSeconds()).toBe(backoffs + 10 * flow.dispatchTimeoutSeconds);
  });

  it('tells image errors from platform errors, and never retries an unknown error as terminal', () => {
    for (const code of ['UnsupportedImage', 'ImageTooLarge', 'CorruptImage'])
      expect(isImageError(code)).toBe(true);
    for (const code of [...platformErrorExamples, 'TypeError', ...retryableFailureCodeList])
      expect(isImageError(code), code).toBe(false);
  });
});
