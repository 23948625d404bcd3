/**
 * What a value becomes after a trip through JSON (`JSON.parse(JSON.stringify(value))`), as every
 * value crossing AppSync's APPSYNC_JS runtime does, without printing and parsing it: a listImages
 * page is ~1,000 values, and the round trip was the resolver runtime's largest cost. Plain data
 * (primitives, arrays, objects of plain data) is copied directly; anything JSON treats specially
 * (toJSON, Date, boxed primitives, Map, BigInt, a `__proto__` key, cycles) takes the real round
 * trip, so the result (or the TypeError) is always the round trip's.
 */

/** Deeper than this is treated as a possible cycle: the round trip decides. */
const maxDepth = 256;

const notPlain = Symbol('notPlain');

export function jsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  const copied = copy(value, 0);
  return copied === notPlain ? JSON.parse(JSON.stringify(value)) : copied;
}

function copy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity (they print as null) and no -0 (prints as 0).
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'object':
      if (value === null) return null;
      if (depth >= maxDepth) return notPlain;
      return Array.isArray(value) ? copyArray(value, depth) : copyObject(value, depth);
    default:
      // undefined, functions and symbols inside containers, and BigInt: the round trip's rules.
      return notPlain;
  }
}

function copyArray(array: unknown[], depth: number): unknown {
  if (typeof (array as { toJSON?: unknown }).toJSON === 'function') return notPlain;
  const out: unknown[] = new Array(array.length);
  for (let i = 0; i < array.length; i += 1) {
    const item = array[i];
    // Holes, undefined, functions and symbols print as null in an array.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
      out[i] = null;
      continue;
    }
    const copied = copy(item, depth + 1);
    if (copied === notPlain) return notPlain;
    out[i] = copied;
  }
  return out;
}

function copyObject(object: object, depth: number): unknown {
  // Date, boxed primitives, Map, Set, class instances with toJSON…: not plain data.
  if (
    Object.prototype.toString.call(object) !== '[object Object]' ||
    typeof (object as { toJSON?: unknown }).toJSON === 'function'
  )
    return notPlain;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const item = (object as Record<string, unknown>)[key];
    // Undefined, functions and symbols are left out of an object.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    // JSON.parse makes `__proto__` an own property; an assignment would set the prototype.
    if (key === '__proto__') return notPlain;
    const copied = copy(item, depth + 1);
    if (copied === notPlain) return notPlain;
    out[key] = copied;
  }
  return out;
}
