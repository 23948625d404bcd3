import { describe, expect, it } from 'vitest';
import { WindowMemo } from './window-memo.ts';

describe('WindowMemo', () => {
  it('answers what was remembered in the same window only, and forgets it when the window moves on', () => {
    const memo = new WindowMemo();

    expect(memo.get('w1', 'a')).toBeUndefined();
    memo.remember('w1', 'a', 'url-a');
    expect(memo.get('w1', 'a')).toBe('url-a');
    expect(memo.get('w2', 'a')).toBeUndefined();
    expect(memo.get('w1', 'a')).toBeUndefined();
  });

  it('ignores a URL of a window that is no longer current', () => {
    const memo = new WindowMemo();
    memo.get('w2', 'a');

    memo.remember('w1', 'a', 'stale');

    expect(memo.get('w2', 'a')).toBeUndefined();
  });

  it('forgets the oldest URL past its size', () => {
    const memo = new WindowMemo(2);
    memo.get('w', 'a');

    memo.remember('w', 'a', '1');
    memo.remember('w', 'b', '2');
    memo.remember('w', 'c', '3');

    expect([memo.get('w', 'a'), memo.get('w', 'b'), memo.get('w', 'c')]).toEqual([undefined, '2', '3']);
  });
});
