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

describe('deterministic and action faults', () => {
  it('affects only the first `count` matching requests, and re-arms when set again', () => {
    const faults = new FaultRegistry();
    const list = [{ service: 'dynamodb', operation: 'PutItem', error: 'InternalServerError', count: 2 }];
    faults.set(list);
    expect(faults.find('dynamodb', 'GetItem')).toBeUndefined();
    expect(faults.find('dynamodb', 'PutItem')?.error).toBe('InternalServerError');
    expect(faults.find('dynamodb', 'PutItem')?.error).toBe('InternalServerError');
    expect(faults.find('dynamodb', 'PutItem')).toBeUndefined();
    faults.set(list);
    expect(faults.find('dynamodb', 'PutItem')).toBeDefined();
  });

  it('counts only the requests its rate let through', () => {
    const faults = new FaultRegistry();
    faults.set([{ service: 'events', action: 'drop', rate: 0.5, count: 1 }]);
    expect(faults.find('events', 'PutEvents', [], () => 0.9)).toBeUndefined();
    expect(faults.find('events', 'PutEvents', [], () => 0.1)?.action).toBe('drop');
    expect(faults.find('events', 'PutEvents', [], () => 0.1)).toBeUndefined();
  });

  it('refuses an unknown service or action, naming the field', () => {
    const faults = new FaultRegistry();
    expect(() => faults.set([{ service: 'dynamo', error: 'X' }])).toThrow(/service/);
    expect(() => faults.set([{ service: 'events', action: 'explode' }])).toThrow(/action/);
    expect(() => faults.set([{ service: 'events', count: 0 }])).toThrow(/count/);
  });
});
