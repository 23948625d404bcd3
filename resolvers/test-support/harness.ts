// Runs the BUNDLED resolvers (catalog bundle → runtime loader) the way AppSync would, against
// data sources answered by each test.
import { join } from 'node:path';
import { NoneDataSource } from '../../local/providers/appsync/data-sources/none.ts';
import {
  type DataSourceOutcome,
  DataSourceRegistry,
} from '../../local/providers/appsync/data-sources/registry.ts';
import { AppSyncFieldError } from '../../local/providers/appsync/errors.ts';
import { type RequestScope, runResolver } from '../../local/providers/appsync/run-resolver.ts';
import {
  type Context,
  type ContextInit,
  createContext,
  evaluate,
  type LoadedCode,
  loadResolverCode,
  type ResolverError,
  type SubscriptionFilterJson,
} from '../../local/providers/appsync/runtime/index.ts';
import { bundleResolverCode, listResolvers, type ResolverEntry } from '../catalog.ts';

export const resolversRoot = join(import.meta.dirname, '..');

const cache = new Map<string, LoadedCode>();

/** Loads one resolver or function file (path relative to resolvers/), bundled as it ships. */
export function loadBundled(relativePath: string, now?: () => number): LoadedCode {
  const source = join(resolversRoot, relativePath);
  const key = `${source}@${now ? 'clock' : ''}`;
  const hit = now ? undefined : cache.get(key);
  if (hit) return hit;
  const code = loadResolverCode(bundleResolverCode(source), relativePath, now ? { now } : {});
  if (!now) cache.set(key, code);
  return code;
}

export function entryFor(typeName: string, fieldName: string): ResolverEntry {
  const entry = listResolvers(resolversRoot).find(
    (e) => e.typeName === typeName && e.fieldName === fieldName,
  );
  if (!entry) throw new Error(`no resolver for ${typeName}.${fieldName}`);
  return entry;
}

/** A Cognito caller as the local AppSync builds it. */
export function cognito(sub: string) {
  return {
    sub,
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local',
    username: `user-${sub}`,
    claims: { sub, token_use: 'access' },
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };
}

export const pipelineIam = {
  accountId: '000000000000',
  cognitoIdentityPoolId: '',
  cognitoIdentityId: '',
  sourceIp: ['127.0.0.1'],
  username: 'AROAEXAMPLE:pipeline',
  userArn: 'arn:aws:sts::000000000000:assumed-role/publish/pipeline',
  cognitoIdentityAuthType: '',
  cognitoIdentityAuthProvider: '',
};

export function ctxFor(typeName: string, fieldName: string, init: ContextInit): Context {
  return createContext({ ...init, info: { fieldName, parentTypeName: typeName, ...init.info } });
}

/** One handler of a unit resolver or function: request or response, outcome and all. */
export function evaluateFile(
  relativePath: string,
  fn: 'request' | 'response',
  ctx: Context,
  now?: () => number,
) {
  return evaluate(loadBundled(relativePath, now), fn, ctx);
}

export interface DataSourceCall {
  dataSource: string;
  request: unknown;
}

/** A field's result as the tests read it: its value or the error that aborted it, and what it left. */
export type ResolverOutcome = (
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; error: ResolverError }
) & {
  appendedErrors: ResolverError[];
  subscriptionFilter?: SubscriptionFilterJson;
  invalidationFilter?: SubscriptionFilterJson;
  invalidations: RequestScope['invalidations'];
};

const noLimits = (): RequestScope => ({
  batches: new Map(),
  appendedErrors: [],
  invalidations: [],
  deadline: Number.POSITIVE_INFINITY,
  resolverCount: 0,
  maxResolverCount: Number.POSITIVE_INFINITY,
});

/**
 * Runs a whole field resolver through the local AppSync's runner; `answer` plays the data sources
 * (NONE is the real one: its result is the request's payload). Returns the outcome and every
 * data-source request made, in order.
 */
export async function runField(
  typeName: string,
  fieldName: string,
  init: ContextInit,
  answer: (call: DataSourceCall) => Partial<DataSourceOutcome> = () => ({ result: null }),
  now?: () => number,
): Promise<{ outcome: ResolverOutcome; calls: DataSourceCall[] }> {
  const entry = entryFor(typeName, fieldName);
  const rel = (source: string) => source.slice(resolversRoot.length + 1);
  const calls: DataSourceCall[] = [];
  const none = new NoneDataSource('none');
  const dataSources = new DataSourceRegistry();
  for (const name of new Set([entry.dataSource ?? 'none', ...entry.functions.map((f) => f.dataSource)])) {
    dataSources.add({
      name,
      kind: name === 'none' ? 'NONE' : 'AWS_LAMBDA',
      run: async (call) => {
        calls.push({ dataSource: name, request: call.request });
        if (name === 'none') return none.run(call);
        const answered = answer({ dataSource: name, request: call.request });
        return { ...answered, result: answered.result ?? null };
      },
    });
  }
  const scope = noLimits();
  const extras = () => ({
    appendedErrors: scope.appendedErrors.map(({ error }) => error),
    invalidations: scope.invalidations,
  });
  let outcome: ResolverOutcome;
  try {
    const run = await runResolver(
      {
        typeName,
        fieldName,
        kind: entry.kind,
        ...(entry.dataSource ? { dataSource: entry.dataSource } : {}),
        code: loadBundled(rel(entry.source), now),
        functions: entry.functions.map((f) => ({
          name: f.name,
          dataSource: f.dataSource,
          code: loadBundled(rel(f.source), now),
        })),
      },
      { ...init, info: { fieldName, parentTypeName: typeName, ...init.info } },
      { path: [fieldName], locations: [] },
      dataSources,
      scope,
    );
    outcome = { kind: 'value', ...run, ...extras() };
  } catch (error) {
    if (!(error instanceof AppSyncFieldError)) throw error;
    const { message, errorType, data, errorInfo } = error;
    outcome = { kind: 'error', error: { message, errorType, data, errorInfo }, ...extras() };
  }
  return { outcome, calls };
}
