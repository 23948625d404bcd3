// The catalog against the schema: every resolver names a real field, every root field has one,
// every bundle fits AppSync's 32 KB and loads in the local runtime; bad names are refused.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, isObjectType } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { listDataSources } from '../contracts/data-sources.ts';
import { loadResolverCode } from '../local/providers/appsync/runtime/index.ts';
import { bundleResolverCode, listResolvers, maxCodeBytes } from './catalog.ts';

const repo = join(import.meta.dirname, '..');
const schema = buildSchema(
  `${readFileSync(join(repo, 'aws.graphql'), 'utf8')}\n${readFileSync(join(repo, 'schema.graphql'), 'utf8')}`,
);
const entries = listResolvers();

describe('resolver catalog', () => {
  it('lists only fields that exist in schema.graphql, with known data sources', () => {
    const dataSources = new Set(listDataSources().map(([name]) => name as string));
    for (const entry of entries) {
      const type = schema.getType(entry.typeName);
      expect(isObjectType(type), `${entry.typeName} is an object type`).toBe(true);
      expect(
        isObjectType(type) && type.getFields()[entry.fieldName],
        `${entry.typeName}.${entry.fieldName}`,
      ).toBeTruthy();
      for (const ds of [entry.dataSource, ...entry.functions.map((f) => f.dataSource)].filter(Boolean)) {
        expect(dataSources.has(ds as string), `${ds} is a data source of contracts/data-sources.ts`).toBe(
          true,
        );
      }
    }
  });

  it('has a resolver for every Query, Mutation and Subscription field', () => {
    const covered = new Set(entries.map((e) => `${e.typeName}.${e.fieldName}`));
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.keys(root?.getFields() ?? {})) {
        expect(covered.has(`${root?.name}.${field}`), `${root?.name}.${field}`).toBe(true);
      }
    }
  });

  it('describes requestUpload as a three-function pipeline and Image.thumbnails as batched, Thumbnail.url as a plain field', () => {
    const requestUpload = entries.find((e) => e.fieldName === 'requestUpload');
    expect(requestUpload).toMatchObject({
      kind: 'pipeline',
      typeName: 'Mutation',
      source: join(repo, 'resolvers', 'Mutation.requestUpload', 'index.ts'),
      functions: [
        { name: 'validate', dataSource: 'none' },
        { name: 'createItem', dataSource: 'images' },
        { name: 'presign', dataSource: 'createUpload' },
      ],
    });
    expect(requestUpload?.dataSource).toBeUndefined();
    expect(entries.find((e) => e.typeName === 'Image' && e.fieldName === 'thumbnails')).toMatchObject({
      kind: 'unit',
      dataSource: 'signUrls',
      maxBatchSize: 100,
    });
    // One signUrls invocation per page: no resolver below Image.thumbnails.
    expect(entries.filter((e) => e.typeName === 'Thumbnail')).toEqual([]);
  });

  it('bundles every resolver and function under 32 KB, into code the APPSYNC_JS runtime accepts', () => {
    for (const source of entries.flatMap((e) => [e.source, ...e.functions.map((f) => f.source)])) {
      const code = bundleResolverCode(source);
      expect(Buffer.byteLength(code), source).toBeLessThan(maxCodeBytes);
      expect(code).not.toMatch(/from ["'](?!@aws-appsync\/utils)/);
      expect(() => loadResolverCode(code, source)).not.toThrow();
    }
  });
});

describe('listResolvers on a malformed tree', () => {
  let dir = '';
  const tree = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'resolvers-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a resolver file without a data source', () => {
    expect(() => listResolvers(tree({ 'Query.getImage.ts': '' }))).toThrow('malformed resolver file name');
  });

  it('refuses a pipeline function without its number', () => {
    expect(() =>
      listResolvers(tree({ 'Mutation.x/index.ts': '', 'Mutation.x/validate.[none].ts': '' })),
    ).toThrow('malformed pipeline function name');
  });

  it('refuses two resolvers for one field', () => {
    expect(() =>
      listResolvers(tree({ 'Query.a.[none].ts': '', 'Query.a/index.ts': '', 'Query.a/1.f.[none].ts': '' })),
    ).toThrow('Query.a has two resolvers');
  });

  it('ignores support code and tests, and orders pipeline functions by number', () => {
    const root = tree({
      'shared/x.ts': '',
      'helpers.ts': '',
      'Query.a.test.ts': '',
      'Mutation.m/index.ts': '',
      'Mutation.m/10.last.[none].ts': '',
      'Mutation.m/2.second.[images].ts': '',
    });
    expect(listResolvers(root)).toEqual([
      {
        typeName: 'Mutation',
        fieldName: 'm',
        kind: 'pipeline',
        source: join(root, 'Mutation.m', 'index.ts'),
        functions: [
          { name: 'second', dataSource: 'images', source: join(root, 'Mutation.m', '2.second.[images].ts') },
          { name: 'last', dataSource: 'none', source: join(root, 'Mutation.m', '10.last.[none].ts') },
        ],
      },
    ]);
  });
});
