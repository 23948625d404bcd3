// Pipeline order, ctx.prev/stash threading, data-source errors and runtime.earlyReturn in runResolver.
import { describe, expect, it } from 'vitest';
import { NoneDataSource } from './data-sources/none.ts';
import { type DataSource, DataSourceRegistry } from './data-sources/registry.ts';
import { AppSyncFieldError } from './errors.ts';
import type { LoadedResolver } from './resolver-table.ts';
import { type RequestScope, runResolver } from './run-resolver.ts';
import { loadResolverCode } from './runtime/index.ts';

const head = `import { util, runtime } from '@aws-appsync/utils';\n`;
const code = (name: string, body: string) => loadResolverCode(`${head}${body}`, name);

/** A function that appends its name to a trail kept in prev.result and the stash. */
const step = (name: string, request = `return { payload: ctx.prev.result.concat(['${name}']) };`) =>
  code(
    `${name}.js`,
    `export function request(ctx) { ${request} }
export function response(ctx) { ctx.stash.seen = (ctx.stash.seen ?? []).concat(['${name}']); return ctx.result; }`,
  );

const pipeline = (functions: ReturnType<typeof step>[]): LoadedResolver => ({
  typeName: 'Query',
  fieldName: 'trail',
  kind: 'pipeline',
  code: code(
    'index.js',
    `export function request(ctx) { return ['before']; }
export function response(ctx) { return { trail: ctx.prev.result, seen: ctx.stash.seen ?? [] }; }`,
  ),
  functions: functions.map((c, i) => ({ name: `f${i}`, dataSource: 'none', code: c })),
});

const scope = (): RequestScope => ({
  batches: new Map(),
  appendedErrors: [],
  invalidations: [],
  deadline: Number.POSITIVE_INFINITY,
  resolverCount: 0,
  maxResolverCount: 100,
});

const run = (resolver: LoadedResolver, sources: DataSource[], requestScope = scope()) =>
  runResolver(
    resolver,
    {},
    { path: ['trail'], locations: [] },
    sources.reduce((registry, source) => registry.add(source), new DataSourceRegistry()),
    requestScope,
  );

describe('runResolver', () => {
  it('threads before → functions → after through prev.result and the stash', async () => {
    const outcome = await run(pipeline([step('a'), step('b')]), [new NoneDataSource('none')]);
    expect(outcome).toMatchObject({ value: { trail: ['before', 'a', 'b'], seen: ['a', 'b'] } });
  });

  it('skips only the current function on a plain earlyReturn, and to the end with skipTo END', async () => {
    const skipA = step('a', `return runtime.earlyReturn(['skipped-a']);`);
    expect(await run(pipeline([skipA, step('b')]), [new NoneDataSource('none')])).toMatchObject({
      value: { trail: ['skipped-a', 'b'], seen: ['b'] },
    });
    const endA = step('a', `return runtime.earlyReturn(['ended'], { skipTo: 'END' });`);
    expect(await run(pipeline([endA, step('b')]), [new NoneDataSource('none')])).toMatchObject({
      value: { trail: ['ended'], seen: [] },
    });
  });

  it('stops the pipeline at util.error, keeping appended errors', async () => {
    const failing = step('a', `util.appendError('note'); return util.error('stop', 'ValidationError');`);
    const calls: string[] = [];
    const none = new NoneDataSource('none');
    const counted: DataSource = {
      name: 'none',
      kind: 'NONE',
      run: (call) => {
        calls.push('none');
        return none.run(call);
      },
    };
    const requestScope = scope();
    const outcome = run(pipeline([failing, step('b')]), [counted], requestScope);
    await expect(outcome).rejects.toBeInstanceOf(AppSyncFieldError);
    await expect(outcome).rejects.toMatchObject({ message: 'stop', errorType: 'ValidationError' });
    expect(requestScope.appendedErrors).toMatchObject([{ error: { message: 'note' }, path: ['trail'] }]);
    expect(calls).toEqual([]);
  });

  it('hands a data-source error to the response as ctx.error, result null', async () => {
    const unit: LoadedResolver = {
      typeName: 'Query',
      fieldName: 'trail',
      kind: 'unit',
      dataSource: 'images',
      code: code(
        'unit.js',
        `export function request(ctx) { return { operation: 'GetItem' }; }
export function response(ctx) { return { error: ctx.error, result: ctx.result }; }`,
      ),
      functions: [],
    };
    const failing: DataSource = {
      name: 'images',
      kind: 'AMAZON_DYNAMODB',
      run: async () => ({ result: null, error: { message: 'boom', type: 'DynamoDB:InternalServerError' } }),
    };
    expect(await run(unit, [failing])).toMatchObject({
      value: { error: { message: 'boom', type: 'DynamoDB:InternalServerError' }, result: null },
    });
  });

  it('finishes a unit resolver on NONE in the same tick, and still fails it as a rejected promise', async () => {
    // Prepare
    const unit = (body: string): LoadedResolver => ({
      typeName: 'Image',
      fieldName: 'thumbnails',
      kind: 'unit',
      dataSource: 'none',
      code: code('unit.js', `export function request(ctx) { return { payload: ctx.source.n }; }\n${body}`),
      functions: [],
    });
    const sources = [new NoneDataSource('none')];
    const registry = sources.reduce((r, source) => r.add(source), new DataSourceRegistry());
    const at = { path: ['image', 'thumbnails'], locations: [] };

    // Act
    const done = runResolver(
      unit('export function response(ctx) { return ctx.result + 1; }'),
      { source: { n: 41 } },
      at,
      registry,
      scope(),
    );
    const failed = runResolver(
      unit(`export function response(ctx) { return util.error('no', 'Bad'); }`),
      { source: { n: 1 } },
      at,
      registry,
      scope(),
    );

    // Assess
    expect(done).toEqual({ value: 42 });
    expect(failed).toBeInstanceOf(Promise);
    await expect(failed).rejects.toMatchObject({ message: 'no', errorType: 'Bad' });
  });
});
