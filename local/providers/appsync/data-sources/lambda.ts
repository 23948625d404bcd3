/**
 * The AWS_LAMBDA data source: Invoke sends the request's `payload` (or, without one, the resolver
 * context) as the event; BatchInvoke gathers the same field's calls made in one tick of a request
 * into one event array (up to maxBatchSize), as AppSync's batching does for list items.
 */
import type { Context } from '../runtime/index.ts';
import { type DataSource, type DataSourceCall, type DataSourceOutcome, requestObject } from './registry.ts';

export type InvokeLambda = (functionName: string, payload: unknown) => Promise<unknown>;

interface Pending {
  payload: unknown;
  settle: (outcome: DataSourceOutcome) => void;
}

/** AppSync's default for a BatchInvoke resolver without maxBatchSize. */
const defaultMaxBatchSize = 100;

function failure(error: unknown): DataSourceOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { result: null, error: { message, type: 'Lambda:Unhandled' } };
}

function contextEvent(ctx: Context): unknown {
  const { arguments: args, identity, source, request, info, prev, stash } = ctx;
  return { arguments: args, identity, source, request, info, prev, stash };
}

export class LambdaDataSource implements DataSource {
  readonly kind = 'AWS_LAMBDA';

  constructor(
    readonly name: string,
    readonly functionName: string,
    private readonly invoke: InvokeLambda,
  ) {}

  async run(call: DataSourceCall): Promise<DataSourceOutcome> {
    const request = requestObject(call.request, this.name);
    const payload = 'payload' in request ? request.payload : contextEvent(call.ctx);
    if (request.operation === 'BatchInvoke') return this.enqueue(call, payload);
    if (request.operation !== 'Invoke')
      throw new Error(`unsupported Lambda operation "${String(request.operation)}"`);
    try {
      return { result: (await this.invoke(this.functionName, payload)) ?? null };
    } catch (error) {
      return failure(error);
    }
  }

  private enqueue(call: DataSourceCall, payload: unknown): Promise<DataSourceOutcome> {
    const key = `${this.name}:${call.batchKey}`;
    let queue = call.batches.get(key) as Pending[] | undefined;
    if (!queue) {
      const fresh: Pending[] = [];
      queue = fresh;
      call.batches.set(key, fresh);
      // setImmediate lets every list item's resolver of this tick (and the microtasks it spawns) join.
      setImmediate(() => {
        call.batches.delete(key);
        void this.flush(fresh, call.maxBatchSize ?? defaultMaxBatchSize);
      });
    }
    const pending = queue;
    return new Promise((settle) => pending.push({ payload, settle }));
  }

  private async flush(queue: Pending[], maxBatchSize: number): Promise<void> {
    const size = Math.max(1, maxBatchSize);
    const chunks: Pending[][] = [];
    for (let i = 0; i < queue.length; i += size) chunks.push(queue.slice(i, i + size));
    await Promise.all(chunks.map((chunk) => this.invokeBatch(chunk)));
  }

  private async invokeBatch(chunk: Pending[]): Promise<void> {
    try {
      const results = await this.invoke(
        this.functionName,
        chunk.map((p) => p.payload),
      );
      if (!Array.isArray(results) || results.length !== chunk.length) {
        const got = Array.isArray(results) ? `${results.length} items` : typeof results;
        throw new Error(
          `BatchInvoke of ${this.functionName} must return an array of ${chunk.length} items, got ${got}`,
        );
      }
      chunk.forEach((pending, i) => {
        pending.settle({ result: results[i] ?? null });
      });
    } catch (error) {
      for (const pending of chunk) pending.settle(failure(error));
    }
  }
}
