import { type FragmentDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompiledQueries } from './compiled-queries.ts';
import { type CatalogEntry, ResolverTable } from './resolver-table.ts';

const sdl =
  'type Query { echo(text: String): String greeting: String farewell: String plain: Plain } type Plain { name: String }';
const operation = (query: string) => {
  const document = parse(query);
  const [definition] = document.definitions;
  if (definition?.kind !== 'OperationDefinition') throw new Error('not an operation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const fragment of document.definitions)
    if (fragment.kind === 'FragmentDefinition') fragments[fragment.name.value] = fragment;
  return { document, operation: definition, fragments };
};
const code = 'export function request() { return {}; } export function response(ctx) { return ctx.result; }';
const entry = (fieldName: string): CatalogEntry => ({
  typeName: 'Query',
  fieldName,
  kind: 'unit',
  dataSource: 'none',
  functions: [],
  source: fieldName,
});

describe('CompiledQueries', () => {
  it('compiles a document the second time it is asked for, then reuses it', async () => {
    const table = new ResolverTable({ list: () => [entry('greeting')], bundle: () => code });
    await table.load();
    const queries = new CompiledQueries(sdl, table, (type, field) =>
      table.get(type.name, field.name) ? () => `${field.name}!` : undefined,
    );
    const greeting = operation('{ greeting plain { name } }');
    expect(queries.get(greeting)).toBeUndefined();
    const run = queries.get(greeting);
    expect(run).toBeTypeOf('function');
    // Fields without a resolver are read as properties: there is no root value here.
    expect(await run?.({}, {})).toEqual({ data: { greeting: 'greeting!', plain: null } });
    expect(queries.get(greeting)).toBeTypeOf('function');
  });

  it('starts afresh after a reload, with the resolvers loaded now', async () => {
    const entries = [entry('greeting')];
    const table = new ResolverTable({ list: () => entries, bundle: () => code });
    await table.load();
    const queries = new CompiledQueries(sdl, table, (type, field) =>
      table.get(type.name, field.name) ? () => `${field.name}!` : undefined,
    );
    const both = operation('{ greeting farewell }');
    queries.get(both);
    expect(await queries.get(both)?.({}, {})).toEqual({ data: { greeting: 'greeting!', farewell: null } });
    entries.push(entry('farewell'));
    await table.load();
    expect(queries.get(both)).toBeUndefined();
    expect(await queries.get(both)?.({}, {})).toEqual({
      data: { greeting: 'greeting!', farewell: 'farewell!' },
    });
  });

  it("never compiles a document whose strings carry graphql-jit's placeholders (they would run as code)", async () => {
    const table = new ResolverTable({ list: () => [entry('echo')], bundle: () => code });
    await table.load();
    const queries = new CompiledQueries(sdl, table, (type, field) =>
      table.get(type.name, field.name) ? (_source, args: { text?: string }) => args.text : undefined,
    );
    const marker = '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d';
    const hostile = operation(`{ echo(text: "${marker}(globalThis.darkroomInjected = 1)) + (0") }`);
    for (let i = 0; i < 3; i += 1) await queries.get(hostile)?.({}, {});
    expect((globalThis as { darkroomInjected?: number }).darkroomInjected).toBeUndefined();
    // Escapes in the document spell the same value: judged on the parsed strings, not the text.
    const escaped = operation(`{ echo(text: "\\u005F_MAGIC_NAN__ ") }`);
    queries.get(escaped);
    expect(queries.get(escaped)).toBeUndefined();
  });

  it('leaves documents of more than 256 fields, fragments spread where they are, to graphql-js', async () => {
    const table = new ResolverTable({ list: () => [entry('greeting')], bundle: () => code });
    await table.load();
    const queries = new CompiledQueries(sdl, table, () => undefined);
    const aliased = (count: number, selection: string, fragment = '') =>
      operation(
        `{ ${Array.from({ length: count }, (_, i) => `p${i}: plain ${selection}`).join(' ')} } ${fragment}`,
      );
    const fitting = aliased(128, '{ name }');
    const spread = aliased(129, '{ ...F }', 'fragment F on Plain { name }');
    const written = aliased(129, '{ name }');
    for (const document of [fitting, spread, written]) queries.get(document);
    expect(queries.get(fitting)).toBeTypeOf('function');
    expect(queries.get(spread)).toBeUndefined();
    expect(queries.get(written)).toBeUndefined();
  });
});
