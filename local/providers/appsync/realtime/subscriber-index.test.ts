import { describe, expect, it } from 'vitest';
import { toSubscriptionFilter } from '../runtime/expressions.ts';
import { type Delivery, deliveryMatches, SubscriberIndex } from './subscriber-index.ts';

const ownerFilter = (owner: string, id?: string): Delivery => ({
  filter: toSubscriptionFilter(id ? { owner: { eq: owner }, id: { eq: id } } : { owner: { eq: owner } }),
  args: id ? { id } : {},
});

/** An index whose filter checks are counted. */
function counted() {
  const checked: Delivery[] = [];
  const index = new SubscriberIndex<string>((delivery, event) => {
    checked.push(delivery);
    return deliveryMatches(delivery, event);
  });
  return { index, checked };
}

describe('SubscriberIndex', () => {
  it('checks a filter shared by many subscribers once per event and delivers to all of them', () => {
    const { index, checked } = counted();
    for (let n = 0; n < 1000; n += 1) index.add('onImageProcessed', ownerFilter('alice'), `alice-${n}`);

    const recipients = index.matching(['onImageProcessed'], { owner: 'alice', id: 'i1' });

    expect(recipients).toHaveLength(1000);
    expect(new Set(recipients).size).toBe(1000);
    expect(checked).toHaveLength(1);
    expect(index.groupCount()).toBe(1);
  });

  it("never checks other owners' filters: groups are found by the owner the event carries", () => {
    const { index, checked } = counted();
    for (let n = 0; n < 50; n += 1) index.add('onImageProcessed', ownerFilter(`user-${n}`), `user-${n}`);
    index.add('onImageProcessed', ownerFilter('alice', 'i1'), 'alice-i1');
    index.add('onImageProcessed', ownerFilter('alice', 'i2'), 'alice-i2');

    const recipients = index.matching(['onImageProcessed'], { owner: 'user-7', id: 'i1' });

    expect(recipients).toEqual(['user-7']);
    expect(checked).toHaveLength(1);
  });

  it('keeps AppSync semantics: the whole filter decides, OR-ed groups and argument filters included', () => {
    const index = new SubscriberIndex<string>();
    index.add('onImageProcessed', ownerFilter('alice', 'i1'), 'only-i1');
    index.add(
      'onImageProcessed',
      { filter: toSubscriptionFilter({ or: [{ owner: { eq: 'bob' } }, { id: { eq: 'i1' } }] }), args: {} },
      'bob-or-i1',
    );
    index.add('onOther', { filter: null, args: { id: 'i1' } }, 'by-argument');
    index.add('onOther', { filter: null, args: { id: null } }, 'no-argument');

    expect(index.matching(['onImageProcessed'], { owner: 'alice', id: 'i1' }).sort()).toEqual([
      'bob-or-i1',
      'only-i1',
    ]);
    expect(index.matching(['onImageProcessed'], { owner: 'alice', id: 'i2' })).toEqual([]);
    expect(index.matching(['onImageProcessed'], { owner: 'bob', id: 'i2' })).toEqual(['bob-or-i1']);
    expect(index.matching(['onOther'], { id: 'i1' }).sort()).toEqual(['by-argument', 'no-argument']);
    expect(index.matching(['onOther'], { id: 'i2' })).toEqual(['no-argument']);
    expect(index.matching(['onImageProcessed', 'onOther'], { owner: 'bob', id: 'i1' }).sort()).toEqual([
      'bob-or-i1',
      'by-argument',
      'no-argument',
    ]);
  });

  it('forgets a subscriber once removed, and a group once its last member goes', () => {
    const index = new SubscriberIndex<string>();
    const removeA = index.add('onImageProcessed', ownerFilter('alice'), 'a');
    const removeB = index.add('onImageProcessed', ownerFilter('alice'), 'b');
    const removeOr = index.add(
      'onImageProcessed',
      { filter: toSubscriptionFilter({ or: [{ owner: { eq: 'alice' } }, { id: { eq: 'x' } }] }), args: {} },
      'or',
    );

    removeA();
    expect(index.matching(['onImageProcessed'], { owner: 'alice', id: 'x' }).sort()).toEqual(['b', 'or']);
    removeB();
    removeOr();
    expect(index.matching(['onImageProcessed'], { owner: 'alice', id: 'x' })).toEqual([]);
    expect(index.groupCount()).toBe(0);
  });
});
