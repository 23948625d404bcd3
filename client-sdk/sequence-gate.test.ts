import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceGate } from './sequence-gate.ts';

const processing = (id: string, sequence: number) => ({ id, status: 'PROCESSING', sequence });

describe('sequenceGate', () => {
  it('delivers increasing sequences, drops repeats and older ones, and names a gap', () => {
    const gate = sequenceGate();

    expect(gate.check(processing('a', 1))).toBe('new');
    expect(gate.check(processing('a', 2))).toBe('new');
    expect(gate.check(processing('a', 2))).toBe('stale');
    expect(gate.check(processing('a', 1))).toBe('stale');
    expect(gate.check(processing('a', 4))).toBe('gap');
    expect(gate.check(processing('a', 3))).toBe('stale');
    expect(gate.check({ id: 'a', status: 'COMPLETED', sequence: 5 })).toBe('new');
    expect(gate.last('a')).toBe(5);
    // Another image has its own numbering; joining it midway is no gap.
    expect(gate.check(processing('b', 3))).toBe('new');
  });

  it('whatever order and repeats arrive in, delivers a strictly increasing run ending at the largest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 60 }), (sequences) => {
        const gate = sequenceGate();
        const delivered = sequences.filter((sequence) => gate.check(processing('a', sequence)) !== 'stale');
        for (let index = 1; index < delivered.length; index += 1) {
          expect(delivered[index]).toBeGreaterThan(delivered[index - 1] as number);
        }
        expect(gate.last('a')).toBe(Math.max(...sequences));
      }),
    );
  });

  it('falls back to the announcement key for images without a sequence', () => {
    const gate = sequenceGate();
    const old = { id: 'old', status: 'COMPLETED', sequence: null, processedAt: '2026-11-01T00:00:00.000Z' };

    expect(gate.check(old)).toBe('new');
    expect(gate.check(old)).toBe('stale');
  });

  it('remembers only the most recent images', () => {
    const gate = sequenceGate(2);
    gate.check(processing('a', 5));
    gate.check(processing('b', 5));
    gate.check(processing('c', 5));

    expect(gate.last('a')).toBeUndefined();
    expect(gate.check(processing('c', 5))).toBe('stale');
  });
});
