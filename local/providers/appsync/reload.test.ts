/**
 * Hot reload: a changed resolver or schema is rebuilt and put in service without a restart; a
 * broken one keeps the last good version running and says why.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleResolverCode, listResolvers } from '../../../resolvers/catalog.ts';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import type { Caller } from './identity.ts';
import { AppSyncProvider, readAppSyncSchema } from './index.ts';

const repository = path.resolve(import.meta.dirname, '../../..');
let folder: string;
let provider: AppSyncProvider;
const logged: string[] = [];

const caller: Caller = {
  mode: 'AMAZON_COGNITO_USER_POOLS',
  identity: {
    sub: 'alice',
    issuer: 'local',
    username: 'alice',
    claims: { sub: 'alice' },
    sourceIp: [],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  },
};
/** A start as data: the projector is a fresh closure each time, so it is left out of comparisons. */
const subscribe = async (query = 'subscription { onImageProcessed(id: "img-1") { id } }') => {
  const start = await provider.startSubscription({ query, variables: {}, caller, headers: {} });
  if (!start.ok) return start;
  const { project: _project, ...kept } = start;
  return kept;
};
const subscriptionFile = () => path.join(folder, 'resolvers', 'Subscription.onImageProcessed.[none].ts');
const filterFile = () => path.join(folder, 'resolvers', 'shared', 'own-images-filter.ts');

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'darkroom-reload-'));
  await cp(path.join(repository, 'resolvers'), path.join(folder, 'resolvers'), { recursive: true });
  await cp(path.join(repository, 'generated'), path.join(folder, 'generated'), { recursive: true });
  await cp(path.join(repository, 'contracts'), path.join(folder, 'contracts'), { recursive: true });
  for (const file of ['aws.graphql', 'schema.graphql'])
    await cp(path.join(repository, file), path.join(folder, file));
  provider = new AppSyncProvider({
    ...providerContext(loadConfig({}, { dataDir: folder })),
    // Only NONE resolvers run here: DynamoDB and Lambda are never reached.
    dynamodbClient: () => ({}) as DynamoDBClient,
    invokeLambda: async () => {
      throw new Error('not used');
    },
    cognito: { issuer: 'local', jwks: { keys: [] }, clientId: 'none' },
    resolvers: {
      list: () => listResolvers(path.join(folder, 'resolvers')),
      bundle: (source) => bundleResolverCode(source),
    },
    schemaSdl: () => readAppSyncSchema(folder),
    log: (line) => logged.push(line),
  });
}, 60_000);

afterAll(async () => {
  await provider?.stop();
});

describe('hot reload', () => {
  it('keeps the last good resolver when a new one is broken, and takes the fixed one', async () => {
    await provider.start();
    const original = await readFile(subscriptionFile(), 'utf8');
    const first = await subscribe();

    await writeFile(subscriptionFile(), `${original}\nexport function broken() { while (true) {} }\n`);
    const broken = await provider.reload();
    const during = await subscribe();
    // The fix restores the resolver and changes the filter module it bundles (shared by both image
    // subscriptions).
    const filter = await readFile(filterFile(), 'utf8');
    await writeFile(subscriptionFile(), original);
    await writeFile(
      filterFile(),
      filter.replace('filter.id = { eq: ctx.args.id }', 'filter.id = { ne: ctx.args.id }'),
    );
    const fixed = await provider.reload();
    const after = await subscribe();

    expect(first).toMatchObject({
      ok: true,
      filter: {
        filterGroup: [
          { filters: expect.arrayContaining([{ fieldName: 'id', operator: 'eq', value: 'img-1' }]) },
        ],
      },
    });
    expect(broken.failures.map((f) => f.resolver)).toEqual(['Subscription.onImageProcessed']);
    expect(logged.join('\n')).toMatch(/Subscription\.onImageProcessed failed to load/);
    expect(during).toEqual(first);
    expect(fixed.failures).toEqual([]);
    expect(after).toMatchObject({
      ok: true,
      filter: {
        filterGroup: [
          { filters: expect.arrayContaining([{ fieldName: 'id', operator: 'ne', value: 'img-1' }]) },
        ],
      },
    });
  });

  it('puts a changed schema in service, and keeps the last good one when the new one is broken', async () => {
    const schemaFile = path.join(folder, 'schema.graphql');
    const original = await readFile(schemaFile, 'utf8');

    await writeFile(schemaFile, original.replace('type Query {', 'type Query {\n  ping: String'));
    const extended = await provider.reload();
    const hasPing = Boolean(provider.api.schema.getQueryType()?.getFields().ping);
    await writeFile(schemaFile, `${original}\ntype Broken {`);
    const broken = await provider.reload();
    const stillHasPing = Boolean(provider.api.schema.getQueryType()?.getFields().ping);
    const subscription = await subscribe();

    expect(extended.schemaFailure).toBeUndefined();
    expect(hasPing).toBe(true);
    expect(broken.schemaFailure).toMatch(/Syntax Error/);
    expect(stillHasPing).toBe(true);
    expect(subscription).toMatchObject({ ok: true });
    await writeFile(schemaFile, original);
  });
});
