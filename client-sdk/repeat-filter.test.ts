import { describe, expect, it } from 'vitest';
import { repeatFilter } from './repeat-filter.ts';

describe('repeatFilter', () => {
  const at = '2026-12-01T00:00:00.000Z';

  it('passes an announcement once and drops its repeats, by id, status and revision', () => {
    const isFirst = repeatFilter();

    expect(isFirst({ id: 'a', status: 'COMPLETED', processedAt: at })).toBe(true);
    expect(isFirst({ id: 'a', status: 'COMPLETED', processedAt: at })).toBe(false);
    // Another state of the same image, or the same state at a later revision, is news.
    expect(isFirst({ id: 'a', status: 'FAILED', processedAt: at })).toBe(true);
    expect(isFirst({ id: 'a', status: 'COMPLETED', processedAt: '2026-12-01T00:05:00.000Z' })).toBe(true);
    expect(isFirst({ id: 'b', status: 'COMPLETED', processedAt: at })).toBe(true);
  });

  it('remembers only the most recent keys', () => {
    const isFirst = repeatFilter(2);
    isFirst({ id: 'a', status: 'COMPLETED', processedAt: at });
    isFirst({ id: 'b', status: 'COMPLETED', processedAt: at });
    isFirst({ id: 'c', status: 'COMPLETED', processedAt: at });

    expect(isFirst({ id: 'c', status: 'COMPLETED', processedAt: at })).toBe(false);
    expect(isFirst({ id: 'a', status: 'COMPLETED', processedAt: at })).toBe(true);
  });
});
