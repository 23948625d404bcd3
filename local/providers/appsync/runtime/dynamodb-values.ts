// util.dynamodb.*: plain values to DynamoDB typed JSON, with AWS's quirks (numbers stay numbers:
// toDynamoDB(12345) is {N: 12345}, as AWS EvaluateCode returns it).

export type AttributeValue = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toDynamoDB(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (isPlainObject(value)) return { M: toMapValues(value) };
  return { S: String(value) };
}

export function toMapValues(value: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toDynamoDB(v);
  }
  return out;
}

/** Typed JSON back to plain values (what a DynamoDB data source hands to ctx.result). */
export function fromDynamoDB(value: AttributeValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('L' in value) return (value.L as AttributeValue[]).map(fromDynamoDB);
  if ('M' in value) return fromMapValues(value.M as Record<string, AttributeValue>);
  if ('SS' in value) return value.SS;
  if ('NS' in value) return (value.NS as unknown[]).map(Number);
  if ('B' in value) return value.B;
  if ('BS' in value) return value.BS;
  return undefined;
}

export function fromMapValues(value: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = fromDynamoDB(v);
  return out;
}

const orNull =
  <T, R>(f: (v: T) => R) =>
  (v: T | null | undefined): R | null =>
    v === null || v === undefined ? null : f(v);

export const dynamodbUtil = {
  toDynamoDB,
  toMapValues,
  toMap: (value: Record<string, unknown>) => (isPlainObject(value) ? { M: toMapValues(value) } : null),
  toString: orNull((v: string) => ({ S: v })),
  toStringSet: orNull((v: string[]) => ({ SS: v })),
  toNumber: orNull((v: number) => ({ N: v })),
  toNumberSet: orNull((v: number[]) => ({ NS: v })),
  toBinary: orNull((v: string) => ({ B: v })),
  toBinarySet: orNull((v: string[]) => ({ BS: v })),
  toBoolean: orNull((v: boolean) => ({ BOOL: v })),
  toNull: () => ({ NULL: null }),
  toList: (value: unknown) => (Array.isArray(value) ? { L: value.map(toDynamoDB) } : null),
  toS3Object: (key: string, bucket: string, region: string, version?: string) => ({
    S: JSON.stringify({
      s3: version === undefined ? { key, bucket, region } : { key, bucket, region, version },
    }),
  }),
  fromS3ObjectJson: (json: string): unknown => {
    const parsed: unknown = JSON.parse(json);
    return isPlainObject(parsed) ? parsed.s3 : undefined;
  },
};
