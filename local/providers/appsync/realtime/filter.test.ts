import { describe, expect, it } from 'vitest';
import { toSubscriptionFilter } from '../runtime/expressions.ts';
import { matchesArguments, matchesSubscriptionFilter } from './filter.ts';

const event = {
  id: 'img1',
  owner: 'alice',
  size: 1200,
  status: 'COMPLETED',
  tags: ['a', 'b'],
  error: { code: 'X' },
};

describe('matchesSubscriptionFilter', () => {
  it('ANDs filters within a group and ORs the groups', () => {
    const ownerAndId = toSubscriptionFilter({ owner: { eq: 'alice' }, id: { eq: 'img1' } });
    const ownerButOtherId = toSubscriptionFilter({ owner: { eq: 'alice' }, id: { eq: 'img2' } });
    const either = toSubscriptionFilter({ or: [{ owner: { eq: 'bob' } }, { id: { eq: 'img1' } }] });

    expect(ownerAndId && matchesSubscriptionFilter(ownerAndId, event)).toBe(true);
    expect(ownerButOtherId && matchesSubscriptionFilter(ownerButOtherId, event)).toBe(false);
    expect(either && matchesSubscriptionFilter(either, event)).toBe(true);
  });

  it.each([
    [{ size: { gt: 1000 } }, true],
    [{ size: { le: 1000 } }, false],
    [{ size: { between: [1000, 1200] } }, true],
    [{ status: { in: ['FAILED', 'COMPLETED'] } }, true],
    [{ status: { notIn: ['FAILED', 'COMPLETED'] } }, false],
    [{ owner: { beginsWith: 'ali' } }, true],
    [{ owner: { contains: 'lic' } }, true],
    [{ tags: { contains: 'c' } }, false],
    [{ tags: { containsAny: ['c', 'b'] } }, true],
    [{ owner: { ne: 'alice' } }, false],
    [{ 'error.code': { eq: 'X' } }, true],
  ])('evaluates %j as %s', (spec, expected) => {
    const filter = toSubscriptionFilter(spec);
    expect(filter && matchesSubscriptionFilter(filter, event)).toBe(expected);
  });
});

describe('matchesArguments', () => {
  it('requires every given argument to equal the event’s top-level field, ignoring omitted ones', () => {
    expect(matchesArguments({ id: 'img1' }, event)).toBe(true);
    expect(matchesArguments({ id: 'img2' }, event)).toBe(false);
    expect(matchesArguments({ id: undefined }, event)).toBe(true);
  });
});
