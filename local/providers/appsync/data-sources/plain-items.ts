/**
 * DynamoDB's JSON (the wire format of an answer's items) → the plain values AppSync hands
 * resolvers, in one pass: the wire client's reads (local/providers/dynamodb/wire-client.ts) never
 * build the SDK's AttributeValues only to walk them again.
 */
export type PlainItem = Record<string, unknown>;

/** A DynamoDB JSON attribute value → the plain value AppSync hands resolvers (sets as arrays, binaries base64). */
export function plainValue(value: unknown): unknown {
  const wire = value as Record<string, unknown>;
  if (wire.S !== undefined) return wire.S;
  if (wire.N !== undefined) return Number(wire.N);
  if (wire.BOOL !== undefined) return wire.BOOL;
  if (wire.NULL !== undefined) return null;
  if (wire.M !== undefined) return plainMap(wire.M);
  if (wire.L !== undefined) return (wire.L as unknown[]).map(plainValue);
  if (wire.SS !== undefined) return wire.SS;
  if (wire.NS !== undefined) return (wire.NS as string[]).map(Number);
  if (wire.B !== undefined) return wire.B;
  if (wire.BS !== undefined) return wire.BS;
  return null;
}

export function plainMap(value: unknown): PlainItem {
  const map = value as Record<string, unknown>;
  const plain: PlainItem = {};
  for (const key of Object.keys(map)) {
    // `__proto__` as an attribute name must stay an own property, not set the prototype.
    if (key === '__proto__')
      Object.defineProperty(plain, key, {
        value: plainValue(map[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else plain[key] = plainValue(map[key]);
  }
  return plain;
}
