/** The NONE data source: the request's `payload` becomes `ctx.result` (local resolution, publish). */
import type { DataSource, DataSourceCall, DataSourceOutcome } from './registry.ts';

export class NoneDataSource implements DataSource {
  readonly kind = 'NONE';

  constructor(readonly name: string) {}

  async run(call: DataSourceCall): Promise<DataSourceOutcome> {
    return this.runAtOnce(call);
  }

  runAtOnce({ request }: DataSourceCall): DataSourceOutcome {
    const payload =
      typeof request === 'object' && request !== null
        ? (request as { payload?: unknown }).payload
        : undefined;
    return { result: payload ?? null };
  }
}
