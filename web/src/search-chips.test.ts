import { describe, expect, it } from 'vitest';
import type { Image } from '../../client-sdk/index.ts';
import { chipLabels, isFiltered, matchesFilter } from './search-chips.ts';

function withLabels(labels: Array<[string, string[]]>, faceCount = 0): Image {
  return {
    analysis: {
      labels: labels.map(([name, parents]) => ({ name, parents, confidence: 90 })),
      faceCount,
      faces: [],
      moderationLabels: [],
      isSafe: true,
    },
  } as unknown as Image;
}

const cat = withLabels([['Cat', ['Animal', 'Pet']]]);
const dog = withLabels([['Dog', ['Animal', 'Pet']]]);
const people = withLabels([['Person', []]], 2);

describe('gallery filter chips', () => {
  it('offers the labels most photos carry first, parents included, each photo counted once', () => {
    expect(chipLabels([cat, dog, people, withLabels([])])).toEqual(['Animal', 'Pet', 'Cat', 'Dog', 'Person']);
    expect(chipLabels([cat, dog], 2)).toEqual(['Animal', 'Pet']);
  });

  it('matches a live image against the chips: label or parent in any case, and faces', () => {
    expect(matchesFilter(cat, { label: 'animal' })).toBe(true);
    expect(matchesFilter(people, { label: 'animal' })).toBe(false);
    expect(matchesFilter(people, { hasFaces: true })).toBe(true);
    expect(matchesFilter(cat, { hasFaces: true })).toBe(false);
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ hasFaces: false })).toBe(true);
  });
});
