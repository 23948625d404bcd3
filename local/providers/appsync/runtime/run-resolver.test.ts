// Pipeline order, ctx.prev/stash threading, data-source errors and runtime.earlyReturn in runResolver.
import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { loadResolverCode } from './loader.ts';
import { type InvokeDataSource, runResolver } from './run-resolver.ts';

const head = `import { util, runtime } from '@aws-appsync/utils';\n`;
const code = (name: string, body: string) => loadResolverCode(`${head}${body}`, name);

/** A function that appends its name to a trail kept in prev.result and the stash. */
const step = (name: string, request = `return { payload: ctx.prev.result.concat(['${name}']) };`) =>
  code(
    `${name}.js`,
    `export function request(ctx) { ${request} }
export function response(ctx) { ctx.stash.seen = (ctx.stash.seen ?? []).concat(['${name}']); return ctx.result; }`,
  );

const none: InvokeDataSource = async (_ds, request) => ({
  result: (request as { payload: unknown }).payload,
});

const pipeline = (functions: ReturnType<typeof step>[]) => ({
  kind: 'pipeline' as const,
  code: code(
    'index.js',
    `export function request(ctx) { return ['before']; }
export function response(ctx) { return { trail: ctx.prev.result, seen: ctx.stash.seen ?? [] }; }`,
  ),
  functions: functions.map((c) => ({ dataSource: 'none', code: c })),
});

describe('runResolver', () => {
  it('threads before → functions → after through prev.result and the stash', async () => {
    const outcome = await runResolver(pipeline([step('a'), step('b')]), createContext(), none);
    expect(outcome).toMatchObject({
      kind: 'value',
      value: { trail: ['before', 'a', 'b'], seen: ['a', 'b'] },
    });
  });

  it('skips only the current function on a plain earlyReturn, and to the end with skipTo END', async () => {
    const skipA = step('a', `return runtime.earlyReturn(['skipped-a']);`);
    expect(await runResolver(pipeline([skipA, step('b')]), createContext(), none)).toMatchObject({
      value: { trail: ['skipped-a', 'b'], seen: ['b'] },
    });
    const endA = step('a', `return runtime.earlyReturn(['ended'], { skipTo: 'END' });`);
    expect(await runResolver(pipeline([endA, step('b')]), createContext(), none)).toMatchObject({
      value: { trail: ['ended'], seen: [] },
    });
  });

  it('stops the pipeline at util.error, keeping appended errors', async () => {
    const failing = step('a', `util.appendError('note'); return util.error('stop', 'ValidationError');`);
    const calls: string[] = [];
    const outcome = await runResolver(
      pipeline([failing, step('b')]),
      createContext(),
      async (ds, req, ctx) => {
        calls.push(ds);
        return none(ds, req, ctx);
      },
    );
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { message: 'stop', errorType: 'ValidationError' },
      appendedErrors: [{ message: 'note' }],
    });
    expect(calls).toEqual([]);
  });

  it('hands a data-source error to the response as ctx.error, result null', async () => {
    const unit = {
      kind: 'unit' as const,
      dataSource: 'images',
      code: code(
        'unit.js',
        `export function request(ctx) { return { operation: 'GetItem' }; }
export function response(ctx) { return { error: ctx.error, result: ctx.result }; }`,
      ),
      functions: [],
    };
    const outcome = await runResolver(unit, createContext(), async () => ({
      error: { message: 'boom', type: 'DynamoDB:InternalServerError' },
    }));
    expect(outcome).toMatchObject({
      kind: 'value',
      value: { error: { message: 'boom', type: 'DynamoDB:InternalServerError' }, result: null },
    });
  });
});
