/**
 * The request limits of contracts/query-limits.ts on the running stack, over real HTTP with a
 * signed-in user's token: the heaviest legitimate query (a page of 100 images with every
 * thumbnail URL, ~700 resolver calls) passes; 1,000 aliased getImage, 200 aliased requestUpload,
 * 50,000 levels of nesting and an oversized body are refused with AppSync-shaped errors, and
 * nothing of a refused mutation request is written.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusAttributes } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import { queryLimits } from '../../contracts/query-limits.ts';
import { clientsFor, stackInfo, ulid } from './support.ts';
import { createUser, type TestUser } from './users.ts';

interface GraphqlAnswer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ errorType?: string | null; message: string; path?: unknown }>;
  };
}

let user: TestUser;

async function post(body: string): Promise<GraphqlAnswer> {
  const response = await fetch(stackInfo().graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user.accessToken },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as GraphqlAnswer['body'] };
}

const graphql = (query: string, variables: Record<string, unknown> = {}) =>
  post(JSON.stringify({ query, variables }));

const thumbnails = ['SMALL', 'MEDIUM', 'LARGE'].flatMap((size) =>
  ['JPEG', 'WEBP'].map((format) => ({
    size,
    format,
    width: 100,
    height: 100,
    contentType: format === 'JPEG' ? 'image/jpeg' : 'image/webp',
    key: `thumbnails/x/y/${size.toLowerCase()}.${format === 'JPEG' ? 'jpg' : 'webp'}`,
  })),
);

beforeAll(async () => {
  user = await createUser('limits');
  const { documents } = clientsFor();
  const now = new Date().toISOString();
  await Promise.all(
    Array.from({ length: 100 }, () => {
      const id = ulid();
      return documents.send(
        new PutCommand({
          TableName: names.table,
          Item: {
            owner: user.sub,
            id,
            fileName: 'a.jpg',
            contentType: 'image/jpeg',
            size: 1000,
            ...statusAttributes(user.sub, 'COMPLETED', Math.floor(Date.now() / 1000)),
            createdAt: now,
            updatedAt: now,
            processedAt: now,
            thumbnails: thumbnails.map((thumbnail) => ({
              ...thumbnail,
              key: thumbnail.key.replace('x/y', `${user.sub}/${id}`),
            })),
          },
        }),
      );
    }),
  );
});

describe('GraphQL request limits', () => {
  it('runs a page of 100 images with every thumbnail URL (~700 resolver calls)', async () => {
    const { status, body } = await graphql('{ listImages(limit: 100) { items { thumbnails { url } } } }');

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const page = body.data?.listImages as { items: { thumbnails: { url: string }[] }[] } | undefined;
    const items = page?.items ?? [];
    expect(items).toHaveLength(100);
    expect(
      items.flatMap((item) => item.thumbnails).every((thumbnail) => thumbnail.url.startsWith('http')),
    ).toBe(true);
  });

  it('refuses 1,000 aliased getImage before running any', async () => {
    const aliases = Array.from({ length: 1_000 }, (_, index) => `g${index}: getImage(id: "${index}") { id }`);

    const { status, body } = await graphql(`{ ${aliases.join(' ')} }`);

    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [expect.objectContaining({ errorType: 'ResolverInvocationLimitReached' })],
    });
  });

  it('refuses 200 aliased requestUpload and creates no image', async () => {
    const uploader = await createUser('limits-uploader');
    const aliases = Array.from(
      { length: 200 },
      (_, index) =>
        `u${index}: requestUpload(input: { fileName: "a${index}.jpg", contentType: "image/jpeg", size: 1000 }) { image { id } }`,
    );
    const previous = user;
    user = uploader;
    try {
      const { body } = await graphql(`mutation { ${aliases.join(' ')} }`);
      const listed = await graphql('{ listImages(limit: 100) { items { id } } }');

      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.errorType).toBe('BadRequestException');
      expect(body.errors?.[0]?.message).toContain(`at most ${queryLimits.maxMutationFields}`);
      expect(listed.body.data).toEqual({ listImages: { items: [] } });
    } finally {
      user = previous;
    }
  });

  it('answers 50,000 levels of nesting with a clear error, not a stack overflow', async () => {
    const query = `{ ${'listImages { items { '.repeat(25_000)}id${' } }'.repeat(25_000)} }`;

    const { status, body } = await graphql(query);

    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.message).toMatch(/nesting exceeds|more than \d+ tokens/);
    expect(body.errors?.[0]?.message).not.toMatch(/call stack/);
  });

  it('refuses a body over the request size limit with 413', async () => {
    const padding = 'x'.repeat(queryLimits.maxRequestBytes);

    const { status, body } = await post(
      JSON.stringify({ query: '{ listImages { nextToken } }', variables: { padding } }),
    );

    expect(status).toBe(413);
    expect(body.errors?.[0]?.errorType).toBe('PayloadTooLargeException');
  });
});
