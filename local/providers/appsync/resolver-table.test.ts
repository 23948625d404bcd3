import { describe, expect, it } from 'vitest';
import { type CatalogEntry, ResolverTable } from './resolver-table.ts';
import { createContext, evaluate } from './runtime/index.ts';

const entry: CatalogEntry = {
  typeName: 'Query',
  fieldName: 'hello',
  kind: 'unit',
  dataSource: 'none',
  functions: [],
  source: 'Query.hello.[none].js',
};
const version = (text: string) => `
  export function request(ctx) { return { payload: '${text}' }; }
  export function response(ctx) { return ctx.result; }`;

function requestOf(table: ResolverTable): unknown {
  const resolver = table.get('Query', 'hello');
  if (!resolver) return undefined;
  const outcome = evaluate(resolver.code, 'request', createContext());
  return outcome.kind === 'value' ? outcome.value : outcome;
}

describe('resolver loading', () => {
  it('reloads changed code, and keeps the last good code when a new bundle breaks', async () => {
    let code = version('v1');
    const table = new ResolverTable({ list: () => [entry], bundle: () => code });
    expect(await table.load()).toEqual({ loaded: ['Query.hello'], failures: [] });
    expect(requestOf(table)).toEqual({ payload: 'v1' });

    code = version('v2');
    await table.load();
    expect(requestOf(table)).toEqual({ payload: 'v2' });

    code = 'export function request(ctx) { while (true) {} }\nexport function response(ctx) {}';
    const report = await table.load();
    expect(report.failures).toEqual([
      { resolver: 'Query.hello', message: expect.stringContaining('Query.hello') },
    ]);
    expect(requestOf(table)).toEqual({ payload: 'v2' });
    expect(table.failure('Query', 'hello')).toBeUndefined();
  });

  it('marks a resolver that never loaded as failed, so its field errors instead of resolving by property', async () => {
    const table = new ResolverTable({ list: () => [entry], bundle: () => 'export const nothing = 1;' });
    await table.load();
    expect(table.get('Query', 'hello')).toBeUndefined();
    expect(table.failure('Query', 'hello')).toContain('request');
  });
});
