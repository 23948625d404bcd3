import { describe, expect, it } from 'vitest';
import { FaultRegistry, matchesGlob } from './faults.ts';

describe('FaultRegistry', () => {
  it('finds the first fault of the service and operation whose match fits a subject', () => {
    const faults = new FaultRegistry();
    faults.set([
      {
        service: 'rekognition',
        operation: 'DetectLabels',
        match: 'uploads/a/*',
        error: 'ThrottlingException',
      },
      { service: 'rekognition', match: 'uploads/*', response: { Labels: [] } },
    ]);
    expect(faults.find('rekognition', 'DetectLabels', ['uploads/a/1/original'])?.error).toBe(
      'ThrottlingException',
    );
    expect(faults.find('rekognition', 'DetectFaces', ['uploads/a/1/original'])?.response).toEqual({
      Labels: [],
    });
    expect(faults.find('rekognition', 'DetectLabels', ['thumbnails/a'])).toBeUndefined();
    expect(faults.find('s3', 'PutObject', ['uploads/a/1/original'])).toBeUndefined();
  });

  it('applies a fault only to its share of requests (rate)', () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'sns', error: 'Throttling', rate: 0.25 }]);
    expect(faults.find('sns', 'Publish', [], () => 0.2)).toBeDefined();
    expect(faults.find('sns', 'Publish', [], () => 0.3)).toBeUndefined();
  });

  it('applies a fault with `times` to that many requests, then lets requests through', () => {
    const faults = new FaultRegistry();
    faults.set([
      { service: 'rekognition', operation: 'DetectLabels', error: 'InternalServerError', times: 2 },
    ]);
    expect(faults.find('rekognition', 'DetectLabels')).toBeDefined();
    expect(faults.find('rekognition', 'DetectFaces')).toBeUndefined();
    expect(faults.find('rekognition', 'DetectLabels')).toBeDefined();
    expect(faults.find('rekognition', 'DetectLabels')).toBeUndefined();
    expect(() => faults.set([{ service: 'sns', times: 0 }])).toThrow();
  });

  it('refuses a malformed fault list', () => {
    const faults = new FaultRegistry();
    expect(() => faults.set([{ service: 'sns', rate: 2 }])).toThrow();
    expect(() => faults.set([{ operation: 'Publish' }])).toThrow();
    expect(faults.all()).toEqual([]);
  });

  it('matches `*` as any run of characters and everything else literally', () => {
    expect(matchesGlob('uploads/*/original', 'uploads/o/i/original')).toBe(true);
    expect(matchesGlob('uploads/a.b', 'uploads/aXb')).toBe(false);
  });
});
