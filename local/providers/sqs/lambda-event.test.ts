import { describe, expect, it } from 'vitest';
import { failedItems } from './lambda-event.ts';

const batch = new Set(['a', 'b', 'c']);

describe('failedItems (ReportBatchItemFailures)', () => {
  it('reads null, {} and an empty list as complete success', () => {
    expect(failedItems(null, batch)).toEqual(new Set());
    expect(failedItems(undefined, batch)).toEqual(new Set());
    expect(failedItems({}, batch)).toEqual(new Set());
    expect(failedItems({ batchItemFailures: [] }, batch)).toEqual(new Set());
    expect(failedItems({ batchItemFailures: null }, batch)).toEqual(new Set());
  });

  it('keeps the reported messages', () => {
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)).toEqual(new Set(['b']));
  });

  it('fails the whole batch for an unknown, empty, null or misnamed identifier, or a non-object answer', () => {
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: 'z' }] }, batch)).toBe('all');
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: '' }] }, batch)).toBe('all');
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: null }] }, batch)).toBe('all');
    expect(failedItems({ batchItemFailures: [{ itemId: 'a' }] }, batch)).toBe('all');
    expect(failedItems({ batchItemFailures: 'a' }, batch)).toBe('all');
    expect(failedItems('ok', batch)).toBe('all');
  });
});
