/**
 * Who receives an event. Subscriptions are grouped by subscription field and by what decides
 * delivery (their enhanced filter, else their arguments), so each distinct filter is evaluated
 * once per event however many subscribers share it: thousands of tabs of one owner cost one
 * filter check. Groups whose filter demands `field eq value` (one filter group, as
 * `toSubscriptionFilter({owner:{eq}})` builds) are also indexed by that value, so an event only
 * looks at the groups it can match instead of every owner's.
 */
import type { SubscriptionFilterJson } from '../runtime/expressions.ts';
import { matchesArguments, matchesSubscriptionFilter, valueAt } from './filter.ts';

/** What decides whether a subscription receives an event. */
export interface Delivery {
  /** The subscription resolver's enhanced filter; when set it alone decides. */
  filter: SubscriptionFilterJson | null;
  /** The subscription's arguments, compared with the event's top-level fields when no filter is set. */
  args: Record<string, unknown>;
}

interface Group<S> {
  delivery: Delivery;
  members: Set<S>;
  /** The `path eq value` every event it matches must have, when there is one. */
  key?: { path: string; value: IndexValue };
}

type IndexValue = string | number | boolean;

function isIndexValue(value: unknown): value is IndexValue {
  return typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);
}

/** A `path eq value` the delivery cannot match without, if it has one. */
function requiredEquality(delivery: Delivery): Group<never>['key'] {
  if (delivery.filter) {
    const [only, ...others] = delivery.filter.filterGroup;
    if (!only || others.length > 0) return undefined;
    const eq = only.filters.find((filter) => filter.operator === 'eq' && isIndexValue(filter.value));
    return eq ? { path: eq.fieldName, value: eq.value as IndexValue } : undefined;
  }
  for (const [name, value] of Object.entries(delivery.args)) {
    if (isIndexValue(value)) return { path: name, value };
  }
  return undefined;
}

function deliveryKey(delivery: Delivery): string {
  return delivery.filter ? `f${JSON.stringify(delivery.filter)}` : `a${JSON.stringify(delivery.args)}`;
}

export function deliveryMatches(delivery: Delivery, event: unknown): boolean {
  return delivery.filter
    ? matchesSubscriptionFilter(delivery.filter, event)
    : matchesArguments(delivery.args, event);
}

/** The groups of one subscription field. */
class FieldGroups<S> {
  readonly byKey = new Map<string, Group<S>>();
  /** path → required value → groups. */
  readonly indexed = new Map<string, Map<IndexValue, Set<Group<S>>>>();
  /** Groups with no required equality: checked against every event. */
  readonly scanned = new Set<Group<S>>();

  candidates(event: unknown): Iterable<Group<S>>[] {
    const found: Iterable<Group<S>>[] = [this.scanned];
    for (const [path, byValue] of this.indexed) {
      const value = valueAt(event, path);
      if (!isIndexValue(value)) continue;
      const groups = byValue.get(value);
      if (groups) found.push(groups);
    }
    return found;
  }
}

export class SubscriberIndex<S> {
  private readonly fields = new Map<string, FieldGroups<S>>();

  constructor(private readonly matches: (delivery: Delivery, event: unknown) => boolean = deliveryMatches) {}

  /** Registers a subscriber; the returned function removes it. */
  add(field: string, delivery: Delivery, subscriber: S): () => void {
    let groups = this.fields.get(field);
    if (!groups) {
      groups = new FieldGroups<S>();
      this.fields.set(field, groups);
    }
    const name = deliveryKey(delivery);
    let group = groups.byKey.get(name);
    if (!group) {
      const key = requiredEquality(delivery);
      group = { delivery, members: new Set(), ...(key ? { key } : {}) };
      groups.byKey.set(name, group);
      if (key) {
        let byValue = groups.indexed.get(key.path);
        if (!byValue) {
          byValue = new Map();
          groups.indexed.set(key.path, byValue);
        }
        let bucket = byValue.get(key.value);
        if (!bucket) {
          bucket = new Set();
          byValue.set(key.value, bucket);
        }
        bucket.add(group);
      } else {
        groups.scanned.add(group);
      }
    }
    group.members.add(subscriber);
    const joined = group;
    const owner = groups;
    return () => {
      joined.members.delete(subscriber);
      if (joined.members.size > 0) return;
      owner.byKey.delete(name);
      if (!joined.key) {
        owner.scanned.delete(joined);
      } else {
        const byValue = owner.indexed.get(joined.key.path);
        const bucket = byValue?.get(joined.key.value);
        bucket?.delete(joined);
        if (bucket?.size === 0) byValue?.delete(joined.key.value);
        if (byValue?.size === 0) owner.indexed.delete(joined.key.path);
      }
      if (owner.byKey.size === 0) this.fields.delete(field);
    };
  }

  /** The subscribers of `fields` this event is for; each distinct filter is evaluated once. */
  matching(fields: readonly string[], event: unknown): S[] {
    const out: S[] = [];
    for (const field of fields) {
      const groups = this.fields.get(field);
      if (!groups) continue;
      for (const candidates of groups.candidates(event)) {
        for (const group of candidates) {
          if (!this.matches(group.delivery, event)) continue;
          for (const member of group.members) out.push(member);
        }
      }
    }
    return out;
  }

  /** Distinct (field, filter) groups held: what one event can cost at most in filter checks. */
  groupCount(): number {
    let count = 0;
    for (const groups of this.fields.values()) count += groups.byKey.size;
    return count;
  }
}
