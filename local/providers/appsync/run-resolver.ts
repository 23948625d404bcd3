/**
 * Runs one resolver for one field as AppSync does: unit (request → data source → response) or
 * pipeline (before → functions, each fed `ctx.prev.result` → after), with a shared stash,
 * `runtime.earlyReturn`, `util.error` (aborts the field) and `util.appendError` (does not).
 */
import type { DataSourceRegistry } from './data-sources/registry.ts';
import { AppSyncFieldError } from './errors.ts';
import type { LoadedResolver } from './resolver-table.ts';
import {
  type Context,
  type ContextInit,
  createContext,
  type EvaluationOutcome,
  evaluate,
  type LoadedCode,
  type ResolverError,
  type SubscriptionFilterJson,
} from './runtime/index.ts';

/** Where a field sits in the response and the document, for errors raised beside its value. */
export interface FieldPosition {
  path: ReadonlyArray<string | number>;
  locations: ReadonlyArray<{ line: number; column: number }>;
}

/** State shared by every field of one request. */
export interface RequestScope {
  batches: Map<string, unknown>;
  /** `util.appendError` calls, reported beside the field's value. */
  appendedErrors: Array<{ error: ResolverError } & FieldPosition>;
  invalidations: Array<{ subscriptionField: string; payload: Record<string, unknown> }>;
  /** Epoch ms after which no further data source is called. */
  deadline: number;
  resolverCount: number;
  maxResolverCount: number;
}

export interface ResolverRun {
  value: unknown;
  subscriptionFilter?: SubscriptionFilterJson;
  invalidationFilter?: SubscriptionFilterJson;
}

type Step =
  | { kind: 'value'; value: unknown }
  | { kind: 'early'; value: unknown; skipTo: 'END' | 'NEXT' | null };

export async function runResolver(
  resolver: LoadedResolver,
  init: ContextInit,
  position: FieldPosition,
  dataSources: DataSourceRegistry,
  scope: RequestScope,
): Promise<ResolverRun> {
  countInvocation(scope);
  const run: ResolverRun = { value: null };
  const ctx = createContext({ stash: {}, ...init });

  const step = (code: LoadedCode, fn: 'request' | 'response'): Step => {
    const outcome: EvaluationOutcome = evaluate(code, fn, ctx);
    for (const error of outcome.appendedErrors) scope.appendedErrors.push({ error, ...position });
    scope.invalidations.push(...outcome.invalidations);
    if (outcome.subscriptionFilter) run.subscriptionFilter = outcome.subscriptionFilter;
    if (outcome.invalidationFilter) run.invalidationFilter = outcome.invalidationFilter;
    if (outcome.kind === 'error') {
      const { message, errorType, data, errorInfo } = outcome.error;
      throw new AppSyncFieldError(message, errorType, data, errorInfo);
    }
    if (outcome.kind === 'earlyReturn') return { kind: 'early', ...outcome.earlyReturn };
    return { kind: 'value', value: outcome.value };
  };

  const callDataSource = async (name: string, request: unknown, batchKey: string): Promise<void> => {
    if (Date.now() > scope.deadline) throw new AppSyncFieldError('Execution timed out.', 'ExecutionTimeout');
    let outcome: Awaited<ReturnType<ReturnType<DataSourceRegistry['get']>['run']>>;
    try {
      outcome = await dataSources.get(name).run({
        request,
        ctx,
        batchKey,
        batches: scope.batches,
        ...(resolver.maxBatchSize !== undefined ? { maxBatchSize: resolver.maxBatchSize } : {}),
      });
    } catch (error) {
      // A request the data source cannot read: AppSync reports the mapping as broken.
      throw new AppSyncFieldError(error instanceof Error ? error.message : String(error), 'MappingTemplate');
    }
    setResult(ctx, outcome.result, outcome.error);
  };

  const fieldKey = `${resolver.typeName}.${resolver.fieldName}`;
  if (resolver.kind === 'unit') {
    const request = step(resolver.code, 'request');
    if (request.kind === 'early') return { ...run, value: request.value };
    await callDataSource(resolver.dataSource ?? '', request.value, fieldKey);
    run.value = step(resolver.code, 'response').value;
    return run;
  }

  const before = step(resolver.code, 'request');
  let previous = before.value;
  if (before.kind !== 'early') {
    for (const fn of resolver.functions) {
      // AppSync counts every pipeline function run against resolverCountLimit.
      countInvocation(scope);
      ctx.prev = { result: previous };
      setResult(ctx, null, undefined);
      const request = step(fn.code, 'request');
      if (request.kind === 'early') {
        previous = request.value;
        if (request.skipTo === 'END') break;
        continue;
      }
      await callDataSource(fn.dataSource, request.value, `${fieldKey}/${fn.name}`);
      previous = step(fn.code, 'response').value;
    }
  }
  ctx.prev = { result: previous };
  setResult(ctx, previous, undefined);
  run.value = step(resolver.code, 'response').value;
  return run;
}

function countInvocation(scope: RequestScope): void {
  scope.resolverCount += 1;
  if (scope.resolverCount > scope.maxResolverCount) {
    throw new AppSyncFieldError(
      `Resolver invocation limit of ${scope.maxResolverCount} reached.`,
      'ResolverInvocationLimitReached',
    );
  }
}

function setResult(
  ctx: Context,
  result: unknown,
  error: { message: string; type: string } | undefined,
): void {
  ctx.result = result;
  if (error) ctx.error = error;
  else delete ctx.error;
}
