/**
 * AttributeValue conversions between AppSync's typed JSON (what util.dynamodb writes: `N` may be a
 * number, `B` is base64) and the SDK's, and from the SDK's back to plain values for `ctx.result`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Wire = Record<string, unknown>;

/** Typed JSON from a resolver → the SDK's AttributeValue. */
export function toSdk(value: unknown): AttributeValue {
  if (typeof value !== 'object' || value === null)
    throw new Error(`not an AttributeValue: ${JSON.stringify(value)}`);
  const wire = value as Wire;
  if ('S' in wire) return { S: String(wire.S) };
  if ('N' in wire) return { N: String(wire.N) };
  if ('BOOL' in wire) return { BOOL: Boolean(wire.BOOL) };
  if ('NULL' in wire) return { NULL: true };
  if ('B' in wire) return { B: Buffer.from(String(wire.B), 'base64') };
  if ('SS' in wire) return { SS: (wire.SS as unknown[]).map(String) };
  if ('NS' in wire) return { NS: (wire.NS as unknown[]).map(String) };
  if ('BS' in wire) return { BS: (wire.BS as unknown[]).map((b) => Buffer.from(String(b), 'base64')) };
  if ('L' in wire) return { L: (wire.L as unknown[]).map(toSdk) };
  if ('M' in wire) return { M: toSdkMap(wire.M) };
  throw new Error(`not an AttributeValue: ${JSON.stringify(value)}`);
}

export function toSdkMap(value: unknown): Record<string, AttributeValue> {
  if (typeof value !== 'object' || value === null)
    throw new Error(`not an attribute map: ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([key, attr]) => [key, toSdk(attr)]));
}

/** The SDK's AttributeValue → a plain value (sets become arrays, binaries base64, as AppSync does). */
export function toPlain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(toPlain);
  if (value.M !== undefined) return toPlainMap(value.M);
  return null;
}

export function toPlainMap(value: Record<string, AttributeValue>): Record<string, unknown> {
  // A loop, not fromEntries(entries().map()): every item of every page passes here.
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const attr = value[key];
    // `__proto__` as an attribute name must stay an own property, not set the prototype.
    if (attr === undefined) continue;
    if (key === '__proto__')
      Object.defineProperty(plain, key, {
        value: toPlain(attr),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else plain[key] = toPlain(attr);
  }
  return plain;
}

/** The SDK's AttributeValue → AppSync's typed JSON (for pagination tokens and keys). */
export function toWire(value: AttributeValue): Wire {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toWire) };
  if (value.M !== undefined)
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toWire(v)])) };
  const [entry] = Object.entries(value).filter(([, v]) => v !== undefined);
  return entry ? { [entry[0]]: entry[1] } : { NULL: true };
}

/**
 * Typed JSON from a resolver → DynamoDB's own JSON (numbers as strings), checked as toSdk checks
 * it: what the wire client (local/providers/dynamodb/wire-client.ts) sends.
 */
export function toWireMap(value: unknown): Record<string, Wire> {
  return Object.fromEntries(Object.entries(toSdkMap(value)).map(([key, attr]) => [key, toWire(attr)]));
}
