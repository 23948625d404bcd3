/**
 * Thumbnail URLs through the local stack's real AppSync and sign-urls Lambda: signed once per
 * image by Image.thumbnails, so a page of images is ONE sign-urls invocation (AppSync batches the
 * page's images), and none when `url` is not selected or cannot be signed. Invocations are counted
 * by the local Lambda (GET /_darkroom/lambda/invocations).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusAttributes } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import {
  admin,
  clientsFor,
  type ExecutionSummary,
  eventually,
  graphqlData,
  stackInfo,
  ulid,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

interface Rendition {
  key: string;
  url?: string | null;
}

interface Page {
  items: Array<{ id: string; status: ImageStatus; thumbnails: Rendition[] }>;
  nextToken: string | null;
}

let user: TestUser;
/** Seeded ids, oldest first; listImages answers newest first. */
const completed: string[] = [];
/** A FAILED image that still lists rendition keys: never signed (and, unlike PROCESSING, left alone by the sweeper). */
let failed: string;
const pageSize = 50;
/** Two full pages and a part: three pages. */
const completedCount = 2 * pageSize + 19;

const graphql = <T>(query: string, variables: Record<string, unknown> = {}) =>
  graphqlData<T>(user, query, variables);

function renditionKeys(owner: string, id: string): string[] {
  return ['small', 'medium', 'large'].flatMap((size) =>
    ['jpg', 'webp'].map((ext) => `thumbnails/${owner}/${id}/${size}.${ext}`),
  );
}

async function seedImage(id: string, status: ImageStatus): Promise<void> {
  const now = new Date().toISOString();
  await clientsFor().documents.send(
    new PutCommand({
      TableName: names.table,
      Item: {
        owner: user.sub,
        id,
        fileName: 'seeded.jpg',
        contentType: 'image/jpeg',
        size: 1000,
        ...statusAttributes(user.sub, status, Math.floor(Date.now() / 1000)),
        createdAt: now,
        updatedAt: now,
        thumbnails: renditionKeys(user.sub, id).map((key) => ({
          size: key.includes('small') ? 'SMALL' : key.includes('medium') ? 'MEDIUM' : 'LARGE',
          format: key.endsWith('.jpg') ? 'JPEG' : 'WEBP',
          width: 150,
          height: 100,
          contentType: key.endsWith('.jpg') ? 'image/jpeg' : 'image/webp',
          key,
        })),
      },
    }),
  );
}

/** sign-urls' invocations so far, once no pipeline execution runs (a publish signs its image's URLs). */
async function signUrlsRuns(): Promise<number> {
  await eventually(
    async () => {
      const executions = await admin<ExecutionSummary[]>('executions');
      return executions.some((execution) => execution.status === 'RUNNING') ? undefined : true;
    },
    { what: 'no pipeline execution running' },
  );
  const counts = await admin<Record<string, number>>('lambda/invocations');
  return counts[names.functions.signUrls] ?? 0;
}

/** Every page of listImages with `selection` on each image, following nextToken. */
async function listAll(selection: string): Promise<Page[]> {
  const pages: Page[] = [];
  let nextToken: string | null = null;
  do {
    const data: { listImages: Page } = await graphql(
      `query List($limit: Int, $nextToken: String) { listImages(limit: $limit, nextToken: $nextToken) { items { id status ${selection} } nextToken } }`,
      { limit: pageSize, nextToken },
    );
    pages.push(data.listImages);
    nextToken = data.listImages.nextToken;
  } while (nextToken);
  return pages;
}

function expectSigned(rendition: Rendition): void {
  const url = new URL(rendition.url ?? 'about:blank');
  expect(url.pathname.endsWith(`/${rendition.key}`), rendition.key).toBe(true);
  expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
}

beforeAll(async () => {
  user = await createUser('thumbnail-urls');
  const start = Date.now() - 10_000;
  failed = ulid(start);
  await seedImage(failed, 'FAILED');
  for (let i = 0; i < completedCount; i += 1) completed.push(ulid(start + 1 + i));
  await Promise.all(completed.map((id) => seedImage(id, 'COMPLETED')));
});

describe('thumbnail URLs', () => {
  it('signs a page of images with one sign-urls invocation, every rendition of a COMPLETED image signed', async () => {
    const before = await signUrlsRuns();
    const pages = await listAll('thumbnails { key url }');
    const after = await signUrlsRuns();

    expect(pages.map((page) => page.items.length)).toEqual([50, 50, 20]);
    expect(after - before).toBe(pages.length);
    const images = pages.flatMap((page) => page.items);
    expect(images.map((image) => image.id)).toEqual([...completed].reverse().concat(failed));
    for (const image of images.filter((i) => i.status === 'COMPLETED')) {
      expect(image.thumbnails.map((t) => t.key)).toEqual(renditionKeys(user.sub, image.id));
      for (const rendition of image.thumbnails) expectSigned(rendition);
    }
    // A FAILED image's renditions are never signed.
    expect(images.at(-1)?.thumbnails.map((t) => t.url)).toEqual(Array(6).fill(null));
  });

  it('invokes sign-urls not at all when url is not selected, or the image cannot have URLs', async () => {
    const before = await signUrlsRuns();
    const pages = await listAll('thumbnails { size format key }');
    const failedImage = await graphql<{ getImage: { thumbnails: Rendition[] } }>(
      'query Get($id: ID!) { getImage(id: $id) { thumbnails { key url } } }',
      { id: failed },
    );
    const after = await signUrlsRuns();

    expect(pages.flatMap((page) => page.items)).toHaveLength(completedCount + 1);
    expect(failedImage.getImage.thumbnails.map((t) => t.url)).toEqual(Array(6).fill(null));
    expect(after - before).toBe(0);
  });

  it('signs one getImage with one invocation, the URL asked for under an alias too', async () => {
    const id = completed[0] ?? '';
    const before = await signUrlsRuns();
    const data = await graphql<{ getImage: { thumbnails: Array<{ key: string; link: string | null }> } }>(
      'query Get($id: ID!) { getImage(id: $id) { thumbnails { key link: url } } }',
      { id },
    );
    const after = await signUrlsRuns();

    expect(after - before).toBe(1);
    for (const { key, link } of data.getImage.thumbnails) expectSigned({ key, url: link });
  });

  it('keeps a page when signing fails: every image with null URLs, the error beside them', async () => {
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        {
          service: 'lambda',
          operation: 'Invoke',
          match: names.functions.signUrls,
          error: 'ServiceException',
        },
      ]),
    });
    try {
      const response = await fetch(stackInfo().graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: user.accessToken },
        body: JSON.stringify({
          query: `{ listImages(limit: ${pageSize}) { items { id thumbnails { key url } } } }`,
        }),
      });
      const answer = (await response.json()) as {
        data: { listImages: Page } | null;
        errors?: Array<{ path: unknown[]; errorType: string | null }>;
      };

      const items = answer.data?.listImages.items ?? [];
      expect(items).toHaveLength(pageSize);
      expect(items.flatMap((image) => image.thumbnails.map((t) => t.url))).toEqual(
        Array(pageSize * 6).fill(null),
      );
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(answer.errors?.[0]?.path).toEqual(['listImages', 'items', 0, 'thumbnails']);
    } finally {
      await admin('faults', { method: 'DELETE' });
    }
  });
});
