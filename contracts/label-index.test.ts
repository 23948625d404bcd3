import { describe, expect, it } from 'vitest';
import {
  labelPartition,
  labelTerms,
  maxLabelLength,
  maxLabelTerms,
  ulidRange,
  ulidTime,
} from './label-index.ts';

describe('label index', () => {
  it('indexes every label and parent once, lower-cased', () => {
    expect(
      labelTerms([
        { name: 'Cat', parents: ['Animal', 'Pet', 'Mammal'] },
        { name: 'Dog', parents: ['animal', 'PET'] },
      ]),
    ).toEqual(['cat', 'animal', 'pet', 'mammal', 'dog']);
  });

  it('stops at maxLabelTerms', () => {
    const labels = Array.from({ length: 40 }, (_, i) => ({ name: `l${i}`, parents: [`p${i}`, `q${i}`] }));
    expect(labelTerms(labels)).toHaveLength(maxLabelTerms);
  });

  it("leaves out a term longer than maxLabelLength: its partition key could pass DynamoDB's limit", () => {
    expect(labelTerms([{ name: 'x'.repeat(maxLabelLength + 1), parents: ['Animal'] }])).toEqual(['animal']);
  });

  it('keys an owner partition per term', () => {
    expect(labelPartition('alice', 'cat')).toBe('alice#label#cat');
  });

  it('encodes a ULID time prefix (spec example 1469918176385 → 01ARYZ6S41)', () => {
    expect(ulidTime(1469918176385)).toBe('01ARYZ6S41');
  });

  it('ranges over every ULID of the interval, in order', () => {
    const range = ulidRange(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2));
    expect(range.from < range.to).toBe(true);
    expect(`${ulidTime(Date.UTC(2026, 0, 1, 12))}ABCDEFGHJKMNPQRS` > range.from).toBe(true);
    expect(`${ulidTime(Date.UTC(2026, 0, 1, 12))}ABCDEFGHJKMNPQRS` < range.to).toBe(true);
    expect(`${ulidTime(Date.UTC(2026, 0, 3))}0000000000000000` > range.to).toBe(true);
  });
});
