// Runs one field's resolver — unit or pipeline — over loaded code, calling data sources through a
// callback: the order of handlers, ctx.prev/result/error and runtime.earlyReturn as AppSync has them.
import type { Context } from './context.ts';
import type { SubscriptionFilterJson } from './expressions.ts';
import { type EvaluationOutcome, evaluate, type LoadedCode } from './loader.ts';
import type { ResolverError } from './signals.ts';

export interface LoadedResolver {
  kind: 'unit' | 'pipeline';
  /** Unit resolvers: their data source. */
  dataSource?: string;
  /** The unit file's or the pipeline's before/after code. */
  code: LoadedCode;
  /** Pipeline functions in order. */
  functions: { dataSource: string; code: LoadedCode }[];
}

/** What a data source answers: its result, or the error AppSync puts in ctx.error. */
export interface DataSourceAnswer {
  result?: unknown;
  error?: { message: string; type: string };
}

export type InvokeDataSource = (
  dataSource: string,
  request: unknown,
  ctx: Context,
) => Promise<DataSourceAnswer>;

export type ResolverOutcome = (
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; error: ResolverError }
) & {
  appendedErrors: ResolverError[];
  subscriptionFilter?: SubscriptionFilterJson;
  invalidationFilter?: SubscriptionFilterJson;
  invalidations: { subscriptionField: string; payload: Record<string, unknown> }[];
};

type Step =
  | { kind: 'value'; value: unknown }
  | { kind: 'skip'; value: unknown; skipTo: 'END' | 'NEXT' | null }
  | { kind: 'error'; error: ResolverError };

export async function runResolver(
  resolver: LoadedResolver,
  ctx: Context,
  invoke: InvokeDataSource,
): Promise<ResolverOutcome> {
  const extras: Omit<ResolverOutcome, 'kind' | 'value' | 'error'> = { appendedErrors: [], invalidations: [] };
  const run = (code: LoadedCode, fn: 'request' | 'response'): Step => {
    const outcome: EvaluationOutcome = evaluate(code, fn, ctx);
    extras.appendedErrors.push(...outcome.appendedErrors);
    extras.invalidations.push(...outcome.invalidations);
    if (outcome.subscriptionFilter) extras.subscriptionFilter = outcome.subscriptionFilter;
    if (outcome.invalidationFilter) extras.invalidationFilter = outcome.invalidationFilter;
    if (outcome.kind === 'error') return { kind: 'error', error: outcome.error };
    if (outcome.kind === 'earlyReturn') return { kind: 'skip', ...outcome.earlyReturn };
    return { kind: 'value', value: outcome.value };
  };
  /** request → data source → response; an early return in request skips the other two. */
  const handler = async (code: LoadedCode, dataSource: string): Promise<Step> => {
    delete ctx.error;
    ctx.result = null;
    const request = run(code, 'request');
    if (request.kind !== 'value') return request;
    const answer = await invoke(dataSource, request.value, ctx);
    ctx.result = answer.result ?? null;
    if (answer.error) ctx.error = answer.error;
    return run(code, 'response');
  };
  const done = (step: Step): ResolverOutcome =>
    step.kind === 'error'
      ? { kind: 'error', error: step.error, ...extras }
      : { kind: 'value', value: step.value, ...extras };

  if (resolver.kind === 'unit') {
    return done(await handler(resolver.code, resolver.dataSource ?? ''));
  }
  const before = run(resolver.code, 'request');
  if (before.kind === 'error') return done(before);
  ctx.prev = { result: before.value };
  if (before.kind === 'value') {
    for (const fn of resolver.functions) {
      const step = await handler(fn.code, fn.dataSource);
      if (step.kind === 'error') return done(step);
      ctx.prev = { result: step.value };
      if (step.kind === 'skip' && step.skipTo === 'END') break;
    }
  }
  delete ctx.error;
  ctx.result = ctx.prev.result;
  return done(run(resolver.code, 'response'));
}
