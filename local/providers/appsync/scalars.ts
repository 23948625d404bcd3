/**
 * AppSync's predeclared AWS scalars with AppSync's validation: values that AppSync refuses are
 * refused here too, on input (variables and literals) and on output.
 */
import { isIP } from 'node:net';
import {
  GraphQLError,
  type GraphQLScalarType,
  type GraphQLSchema,
  Kind,
  print,
  type ValueNode,
} from 'graphql';

interface ScalarRules {
  /** Checks (and converts) an input value; throws a GraphQLError when AppSync would refuse it. */
  parse: (value: unknown) => unknown;
  serialize: (value: unknown) => unknown;
  /** Literal kinds accepted in a document (AWSTimestamp takes Int literals only). */
  literalKinds: Kind[];
}

// Java's ZoneOffset, which AppSync parses with: at most ±18 hours, minutes and seconds below 60.
const offset = '(Z|[+-](0\\d|1[0-7]):[0-5]\\d(:[0-5]\\d)?|[+-]18:00(:00)?)';
const datePattern = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${offset}?$`);
const timePattern = new RegExp(`^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?${offset}?$`);
// The docs call the offset optional, but AppSync refuses date-times without one.
const dateTimePattern = new RegExp(
  `^(\\d{4})-(\\d{2})-(\\d{2})T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?${offset}$`,
);
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+?[\d\s()-]+$/;
const schemePattern = /^[a-z][a-z0-9+.-]*:/i;

function refuse(scalar: string, value: unknown): never {
  throw new GraphQLError(`Invalid ${scalar} value: ${JSON.stringify(value)}`);
}

function validDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function stringRule(scalar: string, valid: (value: string) => boolean): ScalarRules {
  const check = (value: unknown) =>
    typeof value === 'string' && valid(value) ? value : refuse(scalar, value);
  return { parse: check, serialize: check, literalKinds: [Kind.STRING] };
}

function validIpAddress(value: string): boolean {
  const [address = '', cidr, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (cidr === undefined) return true;
  return /^\d{1,3}$/.test(cidr) && Number(cidr) <= (version === 4 ? 32 : 128);
}

function validUrl(value: string): boolean {
  if (!schemePattern.test(value)) return false;
  try {
    const url = new URL(value);
    return !url.pathname.slice(1).includes('//');
  } catch {
    return false;
  }
}

function validPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return phonePattern.test(value) && digits >= 7 && digits <= 15;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') refuse('AWSJSON', value);
  try {
    return JSON.parse(value);
  } catch {
    throw new GraphQLError(`Invalid AWSJSON value: not valid JSON: ${value.slice(0, 100)}`);
  }
}

function timestamp(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : refuse('AWSTimestamp', value);
}

export const awsScalarRules: Record<string, ScalarRules> = {
  AWSDate: stringRule('AWSDate', (v) => {
    const m = datePattern.exec(v);
    return m !== null && validDay(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  }),
  AWSTime: stringRule('AWSTime', (v) => timePattern.test(v)),
  AWSDateTime: stringRule('AWSDateTime', (v) => {
    const m = dateTimePattern.exec(v);
    return m !== null && validDay(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  }),
  AWSTimestamp: { parse: timestamp, serialize: timestamp, literalKinds: [Kind.INT] },
  AWSEmail: stringRule('AWSEmail', (v) => emailPattern.test(v)),
  AWSURL: stringRule('AWSURL', validUrl),
  AWSPhone: stringRule('AWSPhone', validPhone),
  AWSIPAddress: stringRule('AWSIPAddress', validIpAddress),
  AWSJSON: {
    parse: parseJson,
    // A resolver may hand back JSON text already; anything else is serialized.
    serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
    literalKinds: [Kind.STRING],
  },
};

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    default:
      return print(node);
  }
}

/** Gives the schema's (declared, behaviourless) AWS scalars AppSync's rules, in place. */
export function applyAwsScalars(schema: GraphQLSchema): void {
  for (const [name, rules] of Object.entries(awsScalarRules)) {
    const type = schema.getType(name) as GraphQLScalarType | undefined;
    if (!type) continue;
    type.serialize = rules.serialize;
    type.parseValue = rules.parse;
    type.parseLiteral = (node) => {
      if (!rules.literalKinds.includes(node.kind)) refuse(name, literalValue(node));
      return rules.parse(literalValue(node));
    };
  }
}
