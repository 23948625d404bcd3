import { describe, expect, it } from 'vitest';
import { descendantsOf, parseStat, processTime, rssBytes, threadTimes } from './proc-stats.ts';

describe('parseStat', () => {
  it('reads comm, parent pid and utime + stime as ms, whatever the comm holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const line = '4242 (darkroom-thumbn) S 4200 4200 4200 0 -1 4194368 100 0 0 0 250 75 0 0 20 0 40 0';
    const odd = '7 (a) b) (c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0';

    expect(parseStat(line)).toEqual({ comm: 'darkroom-thumbn', ppid: 4200, cpuMs: 3250 });
    expect(parseStat(odd)).toEqual({ comm: 'a) b) (c', ppid: 1, cpuMs: 70 });
  });
});

describe('the live /proc readers', () => {
  it('see this process, its main thread and its memory, and no descendants of a leaf', () => {
    const threads = threadTimes(process.pid);

    expect(threads.some((thread) => thread.tid === process.pid)).toBe(true);
    expect(processTime(process.pid)?.cpuMs).toBeGreaterThan(0);
    expect(rssBytes(process.pid)).toBeGreaterThan(1_000_000);
    expect(descendantsOf(process.pid)).toEqual([]);
    expect(rssBytes(-1)).toBe(0);
  });
});
