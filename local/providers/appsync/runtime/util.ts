// The `util`, `extensions` and `runtime` globals, bound to one evaluation's session (errors
// appended, filters set) so a loaded bundle can be evaluated many times.
import { type AuthMode, authModeOf, type Context } from './context.ts';
import { dynamodbUtil } from './dynamodb-values.ts';
import { buildCompactExpression, type SubscriptionFilterJson, toSubscriptionFilter } from './expressions.ts';
import { autoId, autoKsuid, autoUlid } from './ids.ts';
import { EarlyReturnSignal, ErrorSignal, type ResolverError } from './signals.ts';
import { createTimeUtils } from './time.ts';

export interface Session {
  ctx: Context;
  appendedErrors: ResolverError[];
  subscriptionFilter?: SubscriptionFilterJson;
  invalidationFilter?: SubscriptionFilterJson;
  invalidations: { subscriptionField: string; payload: Record<string, unknown> }[];
}

const authTypeNames: Record<AuthMode, string> = {
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  AWS_IAM: 'IAM Authorization',
  API_KEY: 'API Key Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

const makeError = (
  message: unknown,
  errorType?: unknown,
  data?: unknown,
  errorInfo?: unknown,
): ResolverError => ({
  message: String(message),
  errorType: typeof errorType === 'string' ? errorType : null,
  data: data ?? null,
  errorInfo: errorInfo ?? null,
});

function escapeJavaScript(value: string): string {
  return JSON.stringify(String(value)).slice(1, -1).replaceAll("'", "\\'").replaceAll('/', '\\/');
}

/** Java's String.matches: the whole value must match; a leading `(?i)` makes it case-insensitive. */
function javaMatches(pattern: string, value: string): boolean {
  const insensitive = pattern.startsWith('(?i)');
  const body = insensitive ? pattern.slice(4) : pattern;
  return new RegExp(`^(?:${body})$`, insensitive ? 'iu' : 'u').test(value);
}

/** `session()` returns the evaluation in progress; util calls outside one fail loudly. */
export function createGlobals(session: () => Session, now: () => number = Date.now) {
  const util = {
    autoId,
    autoUlid: () => autoUlid(now()),
    autoKsuid: () => autoKsuid(now()),
    error(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): never {
      throw new ErrorSignal(makeError(message, errorType, data, errorInfo));
    },
    appendError(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void {
      session().appendedErrors.push(makeError(message, errorType, data, errorInfo));
    },
    unauthorized(): never {
      const { info } = session().ctx;
      throw new ErrorSignal(
        makeError(
          `Not Authorized to access ${info.fieldName} on type ${info.parentTypeName}`,
          'Unauthorized',
        ),
      );
    },
    matches: (pattern: string, value: string) => javaMatches(pattern, String(value)),
    authType: () => authTypeNames[authModeOf(session().ctx)],
    base64Encode: (value: string) => Buffer.from(String(value), 'utf8').toString('base64'),
    base64Decode: (value: string) => Buffer.from(String(value), 'base64').toString('utf8'),
    // Java's URLEncoder: spaces become '+', and *-._ stay as they are.
    urlEncode: (value: string) =>
      encodeURIComponent(String(value))
        .replaceAll('%20', '+')
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    urlDecode: (value: string) => decodeURIComponent(String(value).replaceAll('+', ' ')),
    escapeJavaScript,
    time: createTimeUtils(now),
    dynamodb: dynamodbUtil,
    str: {
      normalize: (value: string, form: string) => String(value).normalize(form.toUpperCase()),
    },
    math: {
      roundNum: (n: number) => Math.round(n),
      minVal: (a: number, b: number) => Math.min(a, b),
      maxVal: (a: number, b: number) => Math.max(a, b),
      randomDouble: () => Math.random(),
      randomWithinRange: (min: number, max: number) => Math.floor(Math.random() * (max - min + 1)) + min,
    },
    transform: {
      toDynamoDBFilterExpression: (filter: Record<string, unknown>) =>
        JSON.stringify(buildCompactExpression(filter, 'transform')),
      toDynamoDBConditionExpression: (condition: Record<string, unknown>) =>
        JSON.stringify(buildCompactExpression(condition, 'transform')),
      toSubscriptionFilter,
      toElasticsearchQueryDSL: () => {
        throw new Error('util.transform.toElasticsearchQueryDSL is not supported by the local runtime');
      },
    },
  };

  const extensions = {
    setSubscriptionFilter(filter: SubscriptionFilterJson) {
      session().subscriptionFilter = filter;
    },
    setSubscriptionInvalidationFilter(filter: SubscriptionFilterJson) {
      session().invalidationFilter = filter;
    },
    invalidateSubscriptions(invalidation: { subscriptionField: string; payload: Record<string, unknown> }) {
      session().invalidations.push(invalidation);
    },
    evictFromApiCache() {
      // No API cache locally.
    },
  };

  const runtime = {
    earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
      throw new EarlyReturnSignal(value ?? null, options?.skipTo ?? null);
    },
  };

  return { util, extensions, runtime };
}
