import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from './deadline.ts';
import { AbortedError, TimeoutError } from './errors.ts';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the work and clears its timer', async () => {
    await expect(withDeadline(Promise.resolve('done'), 60_000, undefined, 'img')).resolves.toBe('done');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with TimeoutError after the limit', async () => {
    const waiting = withDeadline(
      new Promise<never>(() => {}),
      2_000,
      undefined,
      'image img1 was not processed',
    );
    vi.advanceTimersByTime(2_000);
    await expect(waiting).rejects.toThrow(new TimeoutError('image img1 was not processed within 2 s'));
  });

  it('rejects with AbortedError on abort and leaves no timer that would keep Node alive', async () => {
    const controller = new AbortController();
    const waiting = withDeadline(new Promise<never>(() => {}), 120_000, controller.signal, 'img');
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when the signal aborted before it was called', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      withDeadline(new Promise<never>(() => {}), 120_000, controller.signal, 'img'),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
