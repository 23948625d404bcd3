/** The data sources resolvers name, one adapter per kind, registered once each. */
import type { DataSourceSpec } from '../../../../contracts/data-sources.ts';
import type { Context } from '../runtime/index.ts';

/** What a data source hands back: AppSync puts these in `ctx.result` and `ctx.error`. */
export interface DataSourceOutcome {
  result: unknown;
  error?: { message: string; type: string };
}

export interface DataSourceCall {
  /** The request handler's return value. */
  request: unknown;
  /** The resolver context the request was built from (a Lambda without `payload` receives it). */
  ctx: Context;
  /** Calls that share this key within one request may be batched together (BatchInvoke). */
  batchKey: string;
  maxBatchSize?: number;
  /** Per-request state of batching data sources, keyed by `batchKey`. */
  batches: Map<string, unknown>;
}

export interface DataSource {
  readonly name: string;
  readonly kind: DataSourceSpec['kind'];
  run(call: DataSourceCall): Promise<DataSourceOutcome>;
  /**
   * The same answer without I/O, for a data source that needs none (NONE): the resolver then
   * finishes in the tick it started.
   */
  runAtOnce?(call: DataSourceCall): DataSourceOutcome;
}

export class DataSourceRegistry {
  private readonly sources = new Map<string, DataSource>();

  add(source: DataSource): this {
    if (this.sources.has(source.name)) throw new Error(`data source "${source.name}" is registered twice`);
    this.sources.set(source.name, source);
    return this;
  }

  get(name: string): DataSource {
    const source = this.sources.get(name);
    if (!source)
      throw new Error(`no data source named "${name}" (known: ${[...this.sources.keys()].join(', ')})`);
    return source;
  }

  has(name: string): boolean {
    return this.sources.has(name);
  }
}

/** Reads an object-shaped request, refusing anything else the way AppSync refuses a bad mapping. */
export function requestObject(request: unknown, source: string): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new Error(`the request to data source "${source}" must be an object`);
  }
  return request as Record<string, unknown>;
}
