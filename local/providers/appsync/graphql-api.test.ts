import { readFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryLimits } from '../../../contracts/query-limits.ts';
import { type InvokeLambda, LambdaDataSource } from './data-sources/lambda.ts';
import { NoneDataSource } from './data-sources/none.ts';
import { DataSourceRegistry } from './data-sources/registry.ts';
import { type ApiResult, GraphqlApi, type PublishEvent } from './graphql-api.ts';
import type { Caller } from './identity.ts';
import { type CatalogEntry, ResolverTable } from './resolver-table.ts';

const awsSdl = readFileSync(new URL('../../../aws.graphql', import.meta.url), 'utf8');
const fixtureSdl = `
type Query {
  open: Item
  forIam: Item @aws_iam
  admins: String @aws_cognito_user_pools(cognito_groups: ["admins"])
  secret: Secret @aws_iam @aws_cognito_user_pools
  echo(date: AWSDate, dateTime: AWSDateTime, time: AWSTime, json: AWSJSON, email: AWSEmail, url: AWSURL,
       phone: AWSPhone, ip: AWSIPAddress, ts: AWSTimestamp): AWSJSON
  fail: Item
  mustExist: Item!
  pipeline(start: Int!): String
  shortCircuit: String
  appended: String
  items: [Item!]!
  deep: Nested
  slow: String
  context(tag: AWSJSON): Item
  probes: [Probe!]!
}
type Probe { id: ID! info: AWSJSON child: Leaf }
type Leaf { seen: AWSJSON name: String deeper: Leaf }
type Nested { child: Nested name: String }
type Item @aws_cognito_user_pools @aws_iam {
  id: ID!
  seen: AWSJSON
  name: String!
  internal: String @aws_iam
  label: String
}
type Secret { value: String }
type Mutation { publish(id: ID!): Item @aws_iam }
type Subscription {
  onPublish(id: ID): Item @aws_subscribe(mutations: ["publish"]) @aws_iam @aws_cognito_user_pools
}
`;

const none = (payload: string) => `
  export function request(ctx) { return { payload: ${payload} }; }
  export function response(ctx) { return ctx.result; }`;

const code: Record<string, string> = {
  open: none(`{ id: '1', name: 'one', internal: 'x', label: ctx.identity.sub }`),
  forIam: none(`{ id: '2', name: 'two', internal: 'y' }`),
  admins: none(`'for admins'`),
  secret: none(`{ value: 'hidden' }`),
  echo: none('ctx.args'),
  fail: `import { util } from '@aws-appsync/utils';
    export function request(ctx) { return { payload: null }; }
    export function response(ctx) { util.error('It broke', 'Custom', { id: 'x' }, { hint: 'retry' }); }`,
  mustExist: none(`{ id: '3' }`),
  pipelineBefore: `export function request(ctx) { ctx.stash.seen = ['before']; return ctx.args.start; }
    export function response(ctx) { return ctx.stash.seen.join('>') + '=' + ctx.prev.result; }`,
  addOne: `export function request(ctx) { ctx.stash.seen.push('addOne'); return { payload: ctx.prev.result + 1 }; }
    export function response(ctx) { return ctx.result; }`,
  skip: `import { runtime } from '@aws-appsync/utils';
    export function request(ctx) { ctx.stash.seen.push('skip'); runtime.earlyReturn(ctx.prev.result * 10); }
    export function response(ctx) { return 'never'; }`,
  shortCircuit: `import { runtime } from '@aws-appsync/utils';
    export function request(ctx) { runtime.earlyReturn('early'); }
    export function response(ctx) { return 'late'; }`,
  appended: `import { util } from '@aws-appsync/utils';
    export function request(ctx) { return { payload: 'kept' }; }
    export function response(ctx) { util.appendError('Careful', 'Warning'); return ctx.result; }`,
  items: none(`[{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }]`),
  label: `export function request(ctx) { return { operation: 'BatchInvoke', payload: { id: ctx.source.id } }; }
    export function response(ctx) { return ctx.result; }`,
  publish: none(`{ id: ctx.args.id, name: 'published' }`),
  context:
    none(`{ id: 'ctx', name: 'context', seen: { args: ctx.args, info: ctx.info, headers: ctx.request.headers,
    sub: ctx.identity.sub, source: ctx.source } }`),
  probes: none(`[{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }]`),
  probeInfo: `export function request(ctx) {
      const list = ctx.info.selectionSetList;
      list.push('changed');
      return { payload: { list: list, graphql: ctx.info.selectionSetGraphQL } };
    }
    export function response(ctx) { return ctx.result; }`,
  probeChild: none(
    `{ seen: { id: ctx.source.id, info: ctx.info }, name: 'leaf', deeper: { name: 'deeper' } }`,
  ),
  slow: `export function request(ctx) { return { operation: 'Invoke', payload: {} }; }
    export function response(ctx) { return ctx.result; }`,
  onPublish: `import { util, extensions } from '@aws-appsync/utils';
    export function request(ctx) { return { payload: null }; }
    export function response(ctx) {
      extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: ctx.args.id } }));
      return null;
    }`,
};

const unit = (
  typeName: string,
  fieldName: string,
  dataSource = 'none',
  extra: Partial<CatalogEntry> = {},
) => ({
  typeName,
  fieldName,
  kind: 'unit' as const,
  dataSource,
  functions: [],
  source: fieldName,
  ...extra,
});

const entries: CatalogEntry[] = [
  ...[
    'open',
    'forIam',
    'admins',
    'secret',
    'echo',
    'fail',
    'mustExist',
    'shortCircuit',
    'appended',
    'items',
    'probes',
  ].map((f) => unit('Query', f)),
  { ...unit('Probe', 'info'), source: 'probeInfo' },
  { ...unit('Probe', 'child'), source: 'probeChild' },
  {
    typeName: 'Query',
    fieldName: 'pipeline',
    kind: 'pipeline',
    functions: [
      { name: 'addOne', dataSource: 'none', source: 'addOne' },
      { name: 'skip', dataSource: 'none', source: 'skip' },
      { name: 'addOne', dataSource: 'none', source: 'addOne' },
    ],
    source: 'pipelineBefore',
  },
  unit('Item', 'label', 'labels', { maxBatchSize: 2 }),
  unit('Query', 'slow', 'slowLambda'),
  unit('Query', 'context'),
  unit('Mutation', 'publish'),
  unit('Subscription', 'onPublish'),
];

const batches: unknown[][] = [];
const invokeLabels: InvokeLambda = async (_name, payload) => {
  batches.push(payload as unknown[]);
  return (payload as Array<{ id: string }>).map((p) => `label-${p.id}`);
};

const cognito = (groups: string[] | null = null): Caller => ({
  mode: 'AMAZON_COGNITO_USER_POOLS',
  identity: {
    sub: 'user-1',
    issuer: 'http://127.0.0.1/pool',
    username: 'user-1',
    claims: { sub: 'user-1' },
    sourceIp: [],
    defaultAuthStrategy: 'ALLOW',
    groups,
  },
});
const iam: Caller = {
  mode: 'AWS_IAM',
  identity: {
    accountId: '000000000000',
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    sourceIp: [],
    username: 'AROA:pipeline',
    userArn: 'arn:aws:sts::000000000000:assumed-role/pipeline/pipeline',
    cognitoIdentityAuthType: null,
    cognitoIdentityAuthProvider: null,
  },
};

/** A function that answers after the request's time limit (AppSync's is 30 s; the fixture's 100 ms). */
const slowLambda: InvokeLambda = () => new Promise((resolve) => setTimeout(() => resolve('late'), 400));

let table: ResolverTable;
let dataSources: DataSourceRegistry;
let api: GraphqlApi;
const run = (
  query: string,
  caller: Caller = cognito(),
  variables: Record<string, unknown> = {},
): Promise<ApiResult> => api.execute({ query, variables, caller, headers: {} });

beforeAll(async () => {
  table = new ResolverTable({ list: () => entries, bundle: (source) => code[source] ?? '' });
  const report = await table.load();
  expect(report.failures).toEqual([]);
  dataSources = new DataSourceRegistry()
    .add(new NoneDataSource('none'))
    .add(new LambdaDataSource('labels', 'label-function', invokeLabels))
    .add(new LambdaDataSource('slowLambda', 'slow-function', slowLambda));
  api = new GraphqlApi({
    schemaSdl: `${awsSdl}\n${fixtureSdl}`,
    resolvers: table,
    dataSources,
    limits: { queryDepth: 4 },
  });
});

describe('auth directives', () => {
  it('lets only the default mode (Cognito) read a field with no directive on it or its type', async () => {
    expect(await run('{ secret { value } }', cognito())).toEqual({ data: { secret: { value: 'hidden' } } });
    const denied = await run('{ secret { value } }', iam);
    expect(denied.data).toEqual({ secret: { value: null } });
    expect(denied.errors?.map((e) => e.message)).toEqual(['Not Authorized to access value on type Secret']);
  });

  it('replaces the type-level modes with the field-level ones', async () => {
    const asUser = await run('{ open { id internal } }');
    expect(asUser.data).toEqual({ open: { id: '1', internal: null } });
    expect(asUser.errors?.[0]).toMatchObject({ path: ['open', 'internal'], errorType: 'Unauthorized' });
    const asIam = await run('{ forIam { id internal } }', iam);
    expect(asIam).toEqual({ data: { forIam: { id: '2', internal: 'y' } } });
    const userOnIamField = await run('{ forIam { id } }');
    expect(userOnIamField.errors?.[0]?.message).toBe('Not Authorized to access forIam on type Query');
  });

  it('requires one of the cognito_groups', async () => {
    expect((await run('{ admins }', cognito(['users']))).errors?.[0]?.errorType).toBe('Unauthorized');
    expect((await run('{ admins }', cognito(null))).errors?.[0]?.errorType).toBe('Unauthorized');
    expect(await run('{ admins }', cognito(['users', 'admins']))).toEqual({ data: { admins: 'for admins' } });
  });
});

describe('errors', () => {
  it("reports util.error in AppSync's shape and nulls the field", async () => {
    expect(await run('query {\n  fail { id }\n}')).toEqual({
      data: { fail: null },
      errors: [
        {
          path: ['fail'],
          data: { id: 'x' },
          errorType: 'Custom',
          errorInfo: { hint: 'retry' },
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'It broke',
        },
      ],
    });
  });

  it('bubbles a null in a non-null field up to the nearest nullable parent', async () => {
    const result = await run('{ mustExist { id name } }');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ path: ['mustExist', 'name'], errorType: null });
  });

  it('keeps the value of a field that appended an error', async () => {
    expect(await run('{ appended }')).toEqual({
      data: { appended: 'kept' },
      errors: [
        {
          path: ['appended'],
          data: null,
          errorType: 'Warning',
          errorInfo: null,
          locations: [{ line: 1, column: 3, sourceName: null }],
          message: 'Careful',
        },
      ],
    });
  });

  it('refuses a query deeper than the depth limit without running it', async () => {
    const result = await run('{ deep { child { child { child { name } } } } }');
    expect(result).toEqual({
      data: null,
      errors: [expect.objectContaining({ errorType: 'QueryDepthLimitReached' })],
    });
  });

  it('stops a request that runs past the execution time limit', async () => {
    const limited = new GraphqlApi({
      schemaSdl: `${awsSdl}\n${fixtureSdl}`,
      resolvers: table,
      dataSources,
      limits: { executionMs: 100 },
    });
    const result = await limited.execute({ query: '{ slow }', caller: cognito(), headers: {} });
    expect(result).toEqual({
      data: null,
      errors: [expect.objectContaining({ errorType: 'ExecutionTimeout', message: 'Execution timed out.' })],
    });
  });

  it('answers a document that does not validate with errors and no data', async () => {
    const result = await run('{ nope }');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      path: null,
      locations: [{ line: 1, column: 3, sourceName: null }],
    });
  });
});

describe('resolvers', () => {
  it('runs a pipeline: before → functions with ctx.prev.result and a shared stash → after; earlyReturn skips a step', async () => {
    expect(await run('{ pipeline(start: 1) }')).toEqual({
      data: { pipeline: 'before>addOne>skip>addOne=21' },
    });
  });

  it('builds ctx per field: parsed AWSJSON args, identity, headers and the selection set', async () => {
    const result = await api.execute({
      query: 'query Q($tag: AWSJSON) { context(tag: $tag) { id seen alias: name ... on Item { label } } }',
      variables: { tag: '{"k":[1]}' },
      caller: cognito(),
      headers: { 'x-trace': 'abc' },
    });
    const seen = JSON.parse(String((result.data as { context: { seen: string } }).context.seen));
    expect(seen).toEqual({
      args: { tag: { k: [1] } },
      info: {
        fieldName: 'context',
        parentTypeName: 'Query',
        variables: { tag: '{"k":[1]}' },
        selectionSetList: ['id', 'seen', 'alias', 'label'],
        selectionSetGraphQL: '{\n  id\n  seen\n  alias: name\n  ... on Item {\n    label\n  }\n}',
      },
      headers: { 'x-trace': 'abc' },
      sub: 'user-1',
      source: null,
    });
  });

  it("gives a nested field's resolver its own selection, relative to it, in every list item", async () => {
    const result = await run(
      `{ probes { id child { seen alias: name deeper { name } ...Named } } } fragment Named on Leaf { name }`,
    );
    const seen = (result.data as { probes: Array<{ child: { seen: string } }> }).probes.map((p) =>
      JSON.parse(p.child.seen),
    );
    expect(seen).toEqual(
      ['p1', 'p2', 'p3'].map((id) => ({
        id,
        info: {
          fieldName: 'child',
          parentTypeName: 'Probe',
          variables: {},
          selectionSetList: ['seen', 'alias', 'deeper', 'deeper/name', 'name'],
          selectionSetGraphQL: '{\n  seen\n  alias: name\n  deeper {\n    name\n  }\n  ...Named\n}',
        },
      })),
    );
  });

  it("gives every list item's field resolver its own ctx.info: one resolver changing it changes nothing for the next", async () => {
    const result = await run('{ probes { id info } }');
    const infos = (result.data as { probes: Array<{ info: string }> }).probes.map((p) => JSON.parse(p.info));
    expect(infos).toEqual([1, 2, 3].map(() => ({ list: ['changed'], graphql: '' })));
  });

  it('gives the same selection to a document sent again, a fragment merged with each place it is spread', async () => {
    const query = `{ a: probes { id ...F child { deeper { name } } } b: probes { id ...F } }
      fragment F on Probe { child { seen } }`;
    const lists = async () => {
      const data = (await run(query)).data as Record<'a' | 'b', Array<{ child: { seen: string } }>>;
      const listOf = (probe: { child: { seen: string } } | undefined) =>
        JSON.parse(probe?.child.seen ?? 'null').info.selectionSetList;
      return { a: listOf(data.a[0]), b: listOf(data.b[0]) };
    };
    const expected = { a: ['seen', 'deeper', 'deeper/name'], b: ['seen'] };
    expect(await lists()).toEqual(expected);
    expect(await lists()).toEqual(expected);
    // A resolver changing its list changes nothing for the next request either.
    for (let i = 0; i < 2; i += 1) {
      const infos = ((await run('{ probes { id info } }')).data as { probes: Array<{ info: string }> })
        .probes;
      expect(JSON.parse(infos[0]?.info ?? 'null')).toEqual({ list: ['changed'], graphql: '' });
    }
  });

  it('runs a document sent again with its own operation name, variables and caller', async () => {
    const query = `query A($start: Int!) { pipeline(start: $start) }
      query B { forIam { id internal } }`;
    const call = (operationName: string, caller: Caller, variables: Record<string, unknown> = {}) =>
      api.execute({ query, operationName, variables, caller, headers: {} });
    expect(await call('A', cognito(), { start: 1 })).toEqual({
      data: { pipeline: 'before>addOne>skip>addOne=21' },
    });
    expect(await call('A', cognito(), { start: 2 })).toEqual({
      data: { pipeline: 'before>addOne>skip>addOne=31' },
    });
    expect(await call('B', iam)).toEqual({ data: { forIam: { id: '2', internal: 'y' } } });
    const denied = await call('B', cognito());
    expect(denied.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized' })]);
    expect((await call('C', cognito())).errors).toEqual([
      expect.objectContaining({ errorType: 'BadRequestException' }),
    ]);
    const missing = await call('A', cognito());
    expect(missing.errors?.[0]?.message).toContain('$start');
  });

  it('returns an early value from a unit request without calling the response', async () => {
    expect(await run('{ shortCircuit }')).toEqual({ data: { shortCircuit: 'early' } });
  });

  it('batches a Lambda field across list items up to maxBatchSize', async () => {
    batches.length = 0;
    expect(await run('{ items { label } }')).toEqual({
      data: { items: [{ label: 'label-a' }, { label: 'label-b' }, { label: 'label-c' }] },
    });
    expect(batches).toEqual([[{ id: 'a' }, { id: 'b' }], [{ id: 'c' }]]);
  });

  it('publishes what the mutation caller selected to the subscriptions listing the mutation', async () => {
    const events: PublishEvent[] = [];
    api.events.on('publish', (event) => events.push(event));
    await run('mutation { renamed: publish(id: "7") { ident: id } }', iam);
    await run('mutation { publish(id: "8") { id } }', cognito());
    expect(events).toEqual([
      {
        subscriptionField: 'onPublish',
        mutationField: 'publish',
        value: { id: '7' },
        selectionSet: '{\n  ident: id\n}',
      },
    ]);
  });

  it("runs a subscription's resolver at start and returns the filter it set", async () => {
    const start = await api.startSubscription({
      query: 'subscription ($id: ID) { onPublish(id: $id) { id name } }',
      variables: { id: '9' },
      caller: cognito(),
      headers: {},
    });
    expect(start).toMatchObject({
      ok: true,
      subscriptionField: 'onPublish',
      arguments: { id: '9' },
      filter: { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: '9' }] }] },
    });
    const denied = await api.startSubscription({
      query: 'subscription { onPublish { id internal } }',
      caller: cognito(),
      headers: {},
    });
    expect(denied).toEqual({ ok: false, errors: [expect.objectContaining({ errorType: 'Unauthorized' })] });
  });

  it('starts a subscription in one pass: the start carries its own projection of events', async () => {
    const start = async (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
      api.startSubscription({
        query,
        variables,
        caller: cognito(),
        headers: {},
        operationName: operationName ?? null,
      });
    const aliased = await start(
      'query Q { open { id } } subscription S($id: ID) { watched: onPublish(id: $id) { ident: id name label } }',
      { id: '7' },
      'S',
    );
    if (!aliased.ok) throw new Error(JSON.stringify(aliased.errors));

    // What the mutation caller selected; `label` was not selected, so it arrives as null.
    expect(aliased.project({ id: '7', name: 'seven' })).toEqual({
      data: { watched: { ident: '7', name: 'seven', label: null } },
    });
    expect(aliased.project({ id: '7' })).toMatchObject({
      data: { watched: null },
      errors: [expect.objectContaining({ path: ['watched', 'name'], errorType: null })],
    });
    const same = await start('subscription ($id: ID) { onPublish(id: $id) { id } }', { id: '7' });
    const again = await start('subscription ($id: ID) { onPublish(id: $id) { id } }', { id: '7' });
    const other = await start('subscription ($id: ID) { onPublish(id: $id) { id } }', { id: '8' });
    expect(same.ok && again.ok && same.shapeKey === again.shapeKey).toBe(true);
    expect(same.ok && other.ok && same.shapeKey !== other.shapeKey).toBe(true);
  });

  it('refuses a start in AppSync words: not a subscription, bad variables, not a document', async () => {
    const start = (query: string, variables: Record<string, unknown> = {}) =>
      api.startSubscription({ query, variables, caller: cognito(), headers: {} });

    expect(await start('{ open { id } }')).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({
          errorType: 'UnsupportedOperation',
          message: 'query operations are not supported through the realtime channel',
        }),
      ],
    });
    expect(await start('subscription ($id: ID) { onPublish(id: $id) { id } }', { id: { no: 1 } })).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ errorType: 'BadRequestException', message: expect.stringMatching(/\$id/) }),
      ],
    });
    expect(await start('subscription { onPublish { nope } }')).toEqual({
      ok: false,
      errors: [expect.objectContaining({ errorType: null, message: expect.stringMatching(/nope/) })],
    });
  });
});

describe('a query sent again runs compiled (graphql-jit), answering as graphql-js did', () => {
  // Each document is new to the API (its comment makes the text unique): graphql-js runs it the
  // first time, the compiled query the second.
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'plain fields, aliases, __typename and a batched Lambda field',
      '{ __typename a: open { id n: name label __typename } items { id name label } }',
      {},
    ],
    ['a resolver error and an appended error', '{ fail { id } appended open { id } }', {}],
    ['a null bubbling up to the root', '{ open { id } mustExist { id name } }', {}],
    [
      'AWS scalars in literals, variables and answers',
      `query ($d: AWSDate, $j: AWSJSON) {
        echo(date: $d, json: $j, url: "https://example.com/a?b=c", ts: 1700000000, ip: "10.0.0.1") }`,
      { d: '2026-01-01Z', j: '{"a":[1,2]}' },
    ],
    [
      "each nested resolver's ctx.info, selection and source",
      '{ probes { id info child { seen name deeper { name } } } }',
      {},
    ],
    [
      'skip and include by variable',
      'query ($yes: Boolean!) { open { id name @include(if: $yes) label @skip(if: $yes) } }',
      { yes: true },
    ],
    ['a pipeline given a variable', 'query ($s: Int!) { pipeline(start: $s) }', { s: 3 }],
    [
      'introspection',
      '{ __schema { queryType { name } } __type(name: "Item") { fields { name type { name kind } } } }',
      {},
    ],
    ['a named fragment', '{ open { ...F } items { ...F } } fragment F on Item { id name }', {}],
  ];

  it.each(cases)('%s', async (name, query, variables) => {
    const document = `${query} # ${name}`;
    const before = { ...api.executions };
    const first = await run(document, cognito(), variables);
    const again = await run(document, cognito(), variables);
    expect(api.executions).toEqual({
      compiled: before.compiled + 1,
      graphqlJs: before.graphqlJs + 1,
    });
    expect(again).toEqual(first);
  });

  it('refuses the variables graphql-js refuses, every time', async () => {
    const document = 'query ($s: Int!) { pipeline(start: $s) } # refused variables';
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await run(document, cognito(), { s: 'three' }));
    expect(answers[0]?.data).toBeNull();
    expect(answers[0]?.errors?.[0]?.message).toContain('$s');
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('judges auth per request: a compiled document still refuses a field the caller may not read', async () => {
    const document = '{ admins open { id } } # auth per caller';
    const admin = cognito(['admins']);
    await run(document, admin);
    const before = api.executions.compiled;
    expect(await run(document, admin)).toEqual({ data: { admins: 'for admins', open: { id: '1' } } });
    expect(api.executions.compiled).toBe(before + 1);
    const denied = await run(document, cognito());
    expect(denied.data).toEqual({ admins: null, open: { id: '1' } });
    expect(denied.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized', path: ['admins'] })]);
    expect(api.executions.compiled).toBe(before + 1);
  });
});

describe('AWS scalars', () => {
  const echo = `query ($date: AWSDate, $dateTime: AWSDateTime, $time: AWSTime, $json: AWSJSON, $email: AWSEmail,
    $url: AWSURL, $phone: AWSPhone, $ip: AWSIPAddress, $ts: AWSTimestamp) {
    echo(date: $date, dateTime: $dateTime, time: $time, json: $json, email: $email, url: $url, phone: $phone, ip: $ip, ts: $ts)
  }`;

  it('accepts the values AppSync accepts, parses AWSJSON input and serializes AWSJSON output', async () => {
    const variables = {
      date: '2026-11-24+01:00',
      dateTime: '2026-11-24T01:02:03.456Z',
      time: '23:59:59.999',
      json: '{"a":[1,2]}',
      email: 'ada@example.com',
      url: 'https://example.com/a/b?c=d',
      phone: '+1 555-010-0199',
      ip: '10.0.0.0/8',
      ts: 1764000000,
    };
    const result = await run(echo, cognito(), variables);
    expect(result.errors).toBeUndefined();
    expect(JSON.parse(String((result.data as { echo: string }).echo))).toEqual({
      ...variables,
      json: { a: [1, 2] },
    });
  });

  it.each([
    ['date', '2026-02-30'],
    ['dateTime', '2026-11-24T01:02:03'],
    ['dateTime', '2026-11-24T01:02:03+25:00'],
    ['dateTime', '2026-11-24T01:02:03+05:60'],
    ['time', '24:00:00'],
    ['json', '{not json'],
    ['email', 'not-an-email'],
    ['url', 'example.com/no-scheme'],
    ['phone', 'call me'],
    ['ip', '300.1.1.1'],
    ['ts', 1.5],
  ])('refuses an invalid %s (%s)', async (name, value) => {
    const result = await run(echo, cognito(), { [name]: value });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toContain(`$${name}`);
  });

  it('accepts a date-time offset to the second, as Java parses it, up to ±18 hours', async () => {
    for (const dateTime of ['2026-11-24T01:02:03+05:30:15', '2026-11-24T01:02:03-18:00']) {
      const result = await run(echo, cognito(), { dateTime });
      expect(result.errors).toBeUndefined();
    }
  });

  it('refuses an AWSTimestamp given as a string literal', async () => {
    const result = await run('{ echo(ts: "1764000000") }');
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
  });
});

describe('request limits (contracts/query-limits.ts)', () => {
  const limitedApi = (limits: ConstructorParameters<typeof GraphqlApi>[0]['limits']) =>
    new GraphqlApi({ schemaSdl: `${awsSdl}\n${fixtureSdl}`, resolvers: table, dataSources, limits });

  it('enforces the limits the cloud API is given, by default', () => {
    const defaults = new GraphqlApi({ schemaSdl: `${awsSdl}\n${fixtureSdl}`, resolvers: table, dataSources });
    expect(defaults.limits).toMatchObject({
      queryDepth: queryLimits.queryDepthLimit,
      maxResolverCount: queryLimits.resolverCountLimit,
      maxMutationFields: queryLimits.maxMutationFields,
      maxTokens: queryLimits.maxTokens,
    });
  });

  it('lets the introspection query through the default depth limit', async () => {
    const defaults = new GraphqlApi({ schemaSdl: `${awsSdl}\n${fixtureSdl}`, resolvers: table, dataSources });
    const result = await defaults.execute({ query: getIntrospectionQuery(), caller: cognito(), headers: {} });
    expect(result.errors).toBeUndefined();
  });

  it('refuses 50,000 levels of nesting with a clear error, not a stack overflow', async () => {
    const query = `{ ${'deep { child '.repeat(50_000)}${'}'.repeat(50_001)} }`;
    const result = await run(query);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/more than 15000 tokens|nesting exceeds 60 levels/);
  });

  it('refuses deep nesting under the token limit by lexing, and a parsable deep query by depth', async () => {
    const query = `{ deep { ${'child { '.repeat(2_000)}name${' }'.repeat(2_000)} } }`;
    const result = await run(query);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/nesting exceeds 60 levels/);
    const deepButParsable = await run(`{ deep { ${'child { '.repeat(20)}name${' }'.repeat(20)} } }`);
    expect(deepButParsable.errors?.[0]?.errorType).toBe('QueryDepthLimitReached');
  });

  it('counts every pipeline function against the resolver limit', async () => {
    // before/after + 3 functions = 4 invocations.
    expect(
      (
        await limitedApi({ maxResolverCount: 4 }).execute({
          query: '{ pipeline(start: 1) }',
          caller: cognito(),
          headers: {},
        })
      ).errors,
    ).toBeUndefined();
    const refused = await limitedApi({ maxResolverCount: 3 }).execute({
      query: '{ pipeline(start: 1) }',
      caller: cognito(),
      headers: {},
    });
    expect(refused.errors?.[0]).toMatchObject({ errorType: 'ResolverInvocationLimitReached' });
  });

  it('counts batched field resolvers once per item', async () => {
    // items (1) + label for each of 3 items (3) = 4.
    const query = '{ items { label } }';
    expect(
      (await limitedApi({ maxResolverCount: 4 }).execute({ query, caller: cognito(), headers: {} })).errors,
    ).toBeUndefined();
    const refused = await limitedApi({ maxResolverCount: 3 }).execute({
      query,
      caller: cognito(),
      headers: {},
    });
    expect(refused.errors?.map((error) => error.errorType)).toContain('ResolverInvocationLimitReached');
  });

  it('refuses more root resolvers than the limit before running any', async () => {
    const aliases = Array.from({ length: 5 }, (_, index) => `a${index}: open { id }`).join(' ');
    const result = await limitedApi({ maxResolverCount: 4 }).execute({
      query: `{ ${aliases} }`,
      caller: cognito(),
      headers: {},
    });
    expect(result).toEqual({
      data: null,
      errors: [expect.objectContaining({ errorType: 'ResolverInvocationLimitReached', path: null })],
    });
  });

  it('refuses a request with more mutation fields than allowed, running none of them', async () => {
    const limited = limitedApi({ maxMutationFields: 2 });
    const events: PublishEvent[] = [];
    limited.events.on('publish', (event) => events.push(event));
    const aliases = Array.from({ length: 3 }, (_, index) => `m${index}: publish(id: "${index}") { id }`);

    const refused = await limited.execute({
      query: `mutation { ${aliases.join(' ')} }`,
      caller: iam,
      headers: {},
    });
    const allowed = await limited.execute({
      query: `mutation { ${aliases.slice(0, 2).join(' ')} }`,
      caller: iam,
      headers: {},
    });

    expect(refused).toEqual({
      data: null,
      errors: [expect.objectContaining({ errorType: 'BadRequestException' })],
    });
    expect(refused.errors?.[0]?.message).toMatch(/3 mutation fields; at most 2/);
    expect(allowed.errors).toBeUndefined();
    expect(events.map((event) => (event.value as { id: string }).id)).toEqual(['0', '1']);
  });
});
