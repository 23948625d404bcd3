/**
 * Evaluates an AppSync enhanced subscription filter (`{filterGroup:[{filters:[…]}]}`, as
 * `util.transform.toSubscriptionFilter` builds it) against an event: groups are OR-ed, the
 * filters of a group AND-ed. Operators: eq ne le lt ge gt contains notContains beginsWith in
 * notIn between containsAny. Field names may be dotted paths into nested objects.
 */
import type { SubscriptionFilterJson } from '../runtime/expressions.ts';

type Filter = SubscriptionFilterJson['filterGroup'][number]['filters'][number];

/** The event's value at a dotted path (undefined where the path leaves the object). */
export function valueAt(event: unknown, fieldName: string): unknown {
  let current: unknown = event;
  for (const part of fieldName.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function holds({ fieldName, operator, value }: Filter, event: unknown): boolean {
  const actual = valueAt(event, fieldName);
  const order = compare(actual, value);
  switch (operator) {
    case 'eq':
      return actual === value;
    case 'ne':
      return actual !== value;
    case 'lt':
      return order !== undefined && order < 0;
    case 'le':
      return order !== undefined && order <= 0;
    case 'gt':
      return order !== undefined && order > 0;
    case 'ge':
      return order !== undefined && order >= 0;
    case 'contains':
      return Array.isArray(actual)
        ? actual.includes(value)
        : typeof actual === 'string' && typeof value === 'string' && actual.includes(value);
    case 'notContains':
      return Array.isArray(actual)
        ? !actual.includes(value)
        : !(typeof actual === 'string' && typeof value === 'string' && actual.includes(value));
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'in':
      return Array.isArray(value) && value.includes(actual);
    case 'notIn':
      return Array.isArray(value) && !value.includes(actual);
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return false;
      const low = compare(actual, value[0]);
      const high = compare(actual, value[1]);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'containsAny':
      return (
        Array.isArray(actual) && Array.isArray(value) && value.some((candidate) => actual.includes(candidate))
      );
    default:
      // An operator AppSync would have refused at setSubscriptionFilter time: match nothing.
      return false;
  }
}

/** True when the event passes the filter. An empty filter (no groups) passes everything. */
export function matchesSubscriptionFilter(filter: SubscriptionFilterJson, event: unknown): boolean {
  if (filter.filterGroup.length === 0) return true;
  return filter.filterGroup.some((group) => group.filters.every((condition) => holds(condition, event)));
}

/** Argument filtering, used only where no enhanced filter is set: every given argument must equal the event's top-level field. */
export function matchesArguments(args: Record<string, unknown>, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(args).every(
    ([name, value]) =>
      value === undefined || value === null || (event as Record<string, unknown>)[name] === value,
  );
}
