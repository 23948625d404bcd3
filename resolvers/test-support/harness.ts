// Runs the BUNDLED resolvers (catalog bundle → runtime loader) the way AppSync would, against
// data sources answered by each test.
import { join } from 'node:path';
import {
  type Context,
  type ContextInit,
  createContext,
  type DataSourceAnswer,
  evaluate,
  type LoadedCode,
  loadResolverCode,
  type ResolverOutcome,
  runResolver,
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

/**
 * Runs a whole field resolver; `answer` plays the data sources (NONE is built in: its result is
 * the request's payload). Returns the outcome and every data-source request made, in order.
 */
export async function runField(
  typeName: string,
  fieldName: string,
  init: ContextInit,
  answer: (call: DataSourceCall) => DataSourceAnswer = () => ({ result: null }),
  now?: () => number,
): Promise<{ outcome: ResolverOutcome; calls: DataSourceCall[]; ctx: Context }> {
  const entry = entryFor(typeName, fieldName);
  const rel = (source: string) => source.slice(resolversRoot.length + 1);
  const ctx = ctxFor(typeName, fieldName, init);
  const calls: DataSourceCall[] = [];
  const outcome = await runResolver(
    {
      kind: entry.kind,
      ...(entry.dataSource ? { dataSource: entry.dataSource } : {}),
      code: loadBundled(rel(entry.source), now),
      functions: entry.functions.map((f) => ({
        dataSource: f.dataSource,
        code: loadBundled(rel(f.source), now),
      })),
    },
    ctx,
    async (dataSource, request) => {
      calls.push({ dataSource, request });
      if (dataSource === 'none')
        return { result: (request as { payload?: unknown } | null)?.payload ?? null };
      return answer({ dataSource, request });
    },
  );
  return { outcome, calls, ctx };
}
