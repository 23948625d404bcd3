/**
 * Runs one resolver for one field as AppSync does: unit (request → data source → response) or
 * pipeline (before → functions, each fed `ctx.prev.result` → after), with a shared stash,
 * `runtime.earlyReturn`, `util.error` (aborts the field) and `util.appendError` (does not).
 */
import type { DataSourceCall, DataSourceOutcome, DataSourceRegistry } from './data-sources/registry.ts';
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

/**
 * A resolver's run. A unit resolver on a data source that answers without I/O (NONE) finishes in
 * the same tick and returns its run, not a promise: graphql-js then completes the object
 * synchronously instead of gathering every field of every list item through promises (each of a
 * listImages page's 50 images has `Image.thumbnails`, which returns at once unless it signs
 * URLs). Failures are always a rejected promise.
 */
export function runResolver(
  resolver: LoadedResolver,
  init: ContextInit,
  position: FieldPosition,
  dataSources: DataSourceRegistry,
  scope: RequestScope,
): ResolverRun | Promise<ResolverRun> {
  try {
    countInvocation(scope);
    // createContext starts an empty stash unless given one.
    const ctx = createContext(init);
    const run: ResolverRun = { value: null };
    const evaluation = new Evaluation(resolver, ctx, run, position, dataSources, scope);
    if (resolver.kind === 'unit') {
      const request = evaluation.step(resolver.code, 'request');
      if (request.kind === 'early') {
        run.value = request.value;
        return run;
      }
      const dataSource = resolver.dataSource ?? '';
      if (!evaluation.answersAtOnce(dataSource)) return evaluation.finishUnit(dataSource, request.value);
      evaluation.callDataSourceAtOnce(dataSource, request.value);
      run.value = evaluation.step(resolver.code, 'response').value;
      return run;
    }
    return evaluation.runPipeline();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One run's context and the steps it takes. */
class Evaluation {
  private readonly fieldKey: string;

  constructor(
    private readonly resolver: LoadedResolver,
    private readonly ctx: Context,
    private readonly run: ResolverRun,
    private readonly position: FieldPosition,
    private readonly dataSources: DataSourceRegistry,
    private readonly scope: RequestScope,
  ) {
    this.fieldKey = `${resolver.typeName}.${resolver.fieldName}`;
  }

  step(code: LoadedCode, fn: 'request' | 'response'): Step {
    const { scope, run } = this;
    const outcome: EvaluationOutcome = evaluate(code, fn, this.ctx);
    for (const error of outcome.appendedErrors) {
      // Read, not spread: a position may compute them in getters (graphql-api.ts FieldPlace).
      scope.appendedErrors.push({ error, path: this.position.path, locations: this.position.locations });
    }
    for (const invalidation of outcome.invalidations) scope.invalidations.push(invalidation);
    if (outcome.subscriptionFilter) run.subscriptionFilter = outcome.subscriptionFilter;
    if (outcome.invalidationFilter) run.invalidationFilter = outcome.invalidationFilter;
    if (outcome.kind === 'error') {
      const { message, errorType, data, errorInfo } = outcome.error;
      throw new AppSyncFieldError(message, errorType, data, errorInfo);
    }
    if (outcome.kind === 'earlyReturn') return { kind: 'early', ...outcome.earlyReturn };
    return { kind: 'value', value: outcome.value };
  }

  /** Whether `name` is a data source that answers without I/O (an unknown name fails later, as a call). */
  answersAtOnce(name: string): boolean {
    return this.dataSources.has(name) && this.dataSources.get(name).runAtOnce !== undefined;
  }

  async finishUnit(dataSource: string, request: unknown): Promise<ResolverRun> {
    await this.callDataSource(dataSource, request, this.fieldKey);
    this.run.value = this.step(this.resolver.code, 'response').value;
    return this.run;
  }

  async runPipeline(): Promise<ResolverRun> {
    const { resolver, ctx, run } = this;
    const before = this.step(resolver.code, 'request');
    let previous = before.value;
    if (before.kind !== 'early') {
      for (const fn of resolver.functions) {
        // AppSync counts every pipeline function run against resolverCountLimit.
        countInvocation(this.scope);
        ctx.prev = { result: previous };
        setResult(ctx, null, undefined);
        const request = this.step(fn.code, 'request');
        if (request.kind === 'early') {
          previous = request.value;
          if (request.skipTo === 'END') break;
          continue;
        }
        await this.callDataSource(fn.dataSource, request.value, `${this.fieldKey}/${fn.name}`);
        previous = this.step(fn.code, 'response').value;
      }
    }
    ctx.prev = { result: previous };
    setResult(ctx, previous, undefined);
    run.value = this.step(resolver.code, 'response').value;
    return run;
  }

  callDataSourceAtOnce(name: string, request: unknown): void {
    this.checkDeadline();
    const source = this.dataSources.get(name);
    let outcome: DataSourceOutcome;
    try {
      if (!source.runAtOnce) throw new Error(`data source "${name}" needs I/O`);
      outcome = source.runAtOnce(this.call(request, this.fieldKey));
    } catch (error) {
      throw mappingError(error);
    }
    setResult(this.ctx, outcome.result, outcome.error);
  }

  private async callDataSource(name: string, request: unknown, batchKey: string): Promise<void> {
    this.checkDeadline();
    let outcome: DataSourceOutcome;
    try {
      outcome = await this.dataSources.get(name).run(this.call(request, batchKey));
    } catch (error) {
      throw mappingError(error);
    }
    setResult(this.ctx, outcome.result, outcome.error);
  }

  private call(request: unknown, batchKey: string): DataSourceCall {
    const { maxBatchSize } = this.resolver;
    return {
      request,
      ctx: this.ctx,
      batchKey,
      batches: this.scope.batches,
      ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
    };
  }

  private checkDeadline(): void {
    if (Date.now() > this.scope.deadline)
      throw new AppSyncFieldError('Execution timed out.', 'ExecutionTimeout');
  }
}

/** A request the data source cannot read: AppSync reports the mapping as broken. */
function mappingError(error: unknown): AppSyncFieldError {
  return new AppSyncFieldError(error instanceof Error ? error.message : String(error), 'MappingTemplate');
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
