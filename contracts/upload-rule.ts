/**
 * The EventBridge rule pattern that starts the pipeline for each upload, and a small matcher for
 * EventBridge patterns so the local events provider evaluates the very same pattern object.
 */

/** A content filter inside a pattern's value list (the subset of EventBridge's that darkroom needs). */
export type ContentFilter =
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string }
  | { exists: boolean }
  | { numeric: Array<string | number> }
  | { 'anything-but': ScalarValue | ScalarValue[] | { prefix: string } | { suffix: string } };

export type ScalarValue = string | number | boolean | null;
export type PatternValue = ScalarValue | ContentFilter;

/** An EventBridge event pattern in its JSON form (`detail-type`, not CDK's `detailType`). */
export interface EventPattern {
  [field: string]: PatternValue[] | EventPattern;
}

/**
 * S3 "Object Created" events of this bucket under `uploads/`, except server-side copies: uploads
 * arrive by POST (or PUT), while a copy is the platform moving an original (a moderator's approval
 * moving it back from quarantine), which must not start the pipeline again. CDK's Rule passes
 * unknown keys such as `detail-type` through unchanged, so the same object serves the cloud rule
 * and the local bus.
 */
export function uploadCreatedPattern(bucketName: string) {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      object: { key: [{ prefix: 'uploads/' }] },
      reason: [{ 'anything-but': 'CopyObject' }],
    },
  } satisfies EventPattern;
}

type Json = ScalarValue | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `event` matches `pattern`: every field must match; within a list, any value may. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isRecord(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const present = Object.hasOwn(event, field);
    const actual = event[field];
    if (!Array.isArray(expected)) {
      return present && isRecord(actual) && matchesPattern(expected, actual);
    }
    return expected.some((rule) => matchesValue(rule, present, actual as Json));
  });
}

function matchesValue(rule: PatternValue, present: boolean, actual: Json | undefined): boolean {
  if (isRecord(rule) && 'exists' in rule) {
    // `exists` matches leaves only: an object-valued field is not "existing" for EventBridge.
    const isLeaf = present && !isRecord(actual);
    return rule.exists ? isLeaf : !present;
  }
  if (!present || actual === undefined) return false;
  // An array in the event matches when any of its elements does.
  const candidates = Array.isArray(actual) ? actual : [actual];
  return candidates.some((value) => !Array.isArray(value) && !isRecord(value) && matchesScalar(rule, value));
}

function matchesScalar(rule: PatternValue, value: ScalarValue): boolean {
  if (!isRecord(rule)) return rule === value;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix);
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(rule.suffix);
  if ('equals-ignore-case' in rule) {
    return typeof value === 'string' && value.toLowerCase() === rule['equals-ignore-case'].toLowerCase();
  }
  if ('numeric' in rule) return typeof value === 'number' && matchesNumeric(rule.numeric, value);
  if ('anything-but' in rule) {
    const excluded = rule['anything-but'];
    if (Array.isArray(excluded)) return !excluded.includes(value);
    if (isRecord(excluded)) return !matchesScalar(excluded, value);
    return excluded !== value;
  }
  return false;
}

const comparators: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `numeric: ['>', 0, '<=', 5]` — operator/operand pairs, all of which must hold. */
function matchesNumeric(conditions: Array<string | number>, value: number): boolean {
  if (conditions.length === 0 || conditions.length % 2 !== 0) {
    throw new Error(`numeric filter needs operator/operand pairs, got ${JSON.stringify(conditions)}`);
  }
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i];
    const operand = conditions[i + 1];
    const compare = typeof operator === 'string' ? comparators[operator] : undefined;
    if (!compare || typeof operand !== 'number') {
      throw new Error(`numeric filter has an invalid pair ${JSON.stringify([operator, operand])}`);
    }
    if (!compare(value, operand)) return false;
  }
  return true;
}
