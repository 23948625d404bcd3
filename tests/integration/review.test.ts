/**
 * Moderation's review flow (issue 20) against the shared local stack, with real clients: a
 * moderator made with the documented command (`darkroom admin add-moderator`), the review queue
 * and the decision for every caller kind, approve and reject end to end, two decisions racing, and
 * the owner's subscription hearing the outcome. The flag comes from a canned Rekognition answer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import { print } from 'graphql';
import { decodeJwt } from 'jose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmplifyOutputs, toResourcesConfig } from '../../client-sdk/amplify-config.ts';
import {
  GetImageDocument,
  ListFlaggedImagesDocument,
  OnImageProcessedDocument,
  ReviewImageDocument,
} from '../../client-sdk/generated/operations.ts';
import type { Image } from '../../client-sdk/image-events.ts';
import { installLoopbackWebSocket } from '../../client-sdk/loopback-websocket.ts';
import { keys, names } from '../../contracts/names.ts';
import { signedGraphqlRequest } from '../../local/providers/appsync/testing/sign-iam.ts';
import { photo } from '../fixtures.ts';
import { amplifySocketClosed } from './amplify-socket.ts';
import { makeModerator } from './moderators.ts';
import {
  admin,
  clientsFor,
  eventually,
  executionsFor,
  getImageItem,
  type StackClients,
  stackInfo,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

const listFlagged = print(ListFlaggedImagesDocument);
const reviewImage = print(ReviewImageDocument);
const getImage = print(GetImageDocument);
const SUBSCRIPTION_ACK = 'Subscription ack';

type Graphql = (options: {
  query: string;
  variables: Record<string, unknown>;
  authMode: 'lambda';
  authToken: string;
}) => unknown;

let clients: StackClients;
let graphql: Graphql;
let disconnected: Promise<void>;
let owner: TestUser;
let other: TestUser;
let moderator: TestUser;
let secondModerator: TestUser;
let photoCount = 0;

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ errorType?: string; message: string }> };
}

/** A GraphQL POST as a Cognito user (its access token), or anonymous without one. */
async function asUser(
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<Answer> {
  const response = await fetch(stackInfo().graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The same POST signed with SigV4 by the stack's IAM principal (as the pipeline calls). */
async function asIam(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const { accessKeyId, secretAccessKey, graphqlUrl } = stackInfo();
  const signed = await signedGraphqlRequest(graphqlUrl, JSON.stringify({ query, variables }), {
    accessKeyId,
    secretAccessKey,
  });
  const response = await fetch(graphqlUrl, { method: 'POST', headers: signed.headers, body: signed.body });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** An upload of the owner's that Rekognition (canned) calls unsafe: FLAGGED, blurred, quarantined. */
async function flaggedImage(): Promise<{ id: string; jpeg: Buffer }> {
  // A photo of its own each time: an identical re-upload would be a duplicate, and a duplicate of
  // an image a moderator approved inherits that APPROVE (docs/contracts.md, "Duplicates").
  photoCount += 1;
  const jpeg = await sharp(photo('coffee.png'))
    .resize(1200, 800)
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { ImageDescription: `review ${Date.now()} ${photoCount}` } })
    .toBuffer();
  const { image, response } = await uploadJpeg(owner, jpeg);
  expect(response.status).toBe(204);
  const item = await waitForStatus(clients, owner.sub, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
  expect(item.status).toBe('FLAGGED');
  // Announced (statusKey back to FLAGGED): only then does the queue list it.
  await eventually(async () =>
    (await getImageItem(clients, owner.sub, image.id))?.statusKey === 'FLAGGED' ? true : undefined,
  );
  return { id: image.id, jpeg };
}

async function objectBytes(key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.localBucket, Key: key }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
}

async function versionsUnder(prefix: string) {
  const listing = await clients.s3.send(
    new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: prefix }),
  );
  return [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])].map((v) => v.Key);
}

async function largeJpegSharpness(item: Record<string, unknown>): Promise<number> {
  const thumbnails = item.thumbnails as Array<{ key: string; size: string; format: string }>;
  const large = thumbnails.find((t) => t.size === 'LARGE' && t.format === 'JPEG');
  if (!large) throw new Error('no LARGE JPEG rendition');
  return (await sharp(await objectBytes(large.key)).stats()).sharpness;
}

/** The owner's onImageProcessed subscription (Amplify, the access token), acknowledged. */
async function subscribe(user: TestUser, id: string) {
  const variables = { id };
  const events: Image[] = [];
  let ack!: () => void;
  const acknowledged = new Promise<void>((resolve) => {
    ack = resolve;
  });
  const stopListening = Hub.listen('api', ({ payload }) => {
    const data = payload.data as { variables?: unknown } | undefined;
    if (payload.event === SUBSCRIPTION_ACK && data?.variables === variables) ack();
  });
  const observable = graphql({
    query: print(OnImageProcessedDocument),
    variables,
    authMode: 'lambda',
    authToken: user.accessToken,
  }) as {
    subscribe(o: { next(v: { data: { onImageProcessed: Image | null } }): void; error(e: unknown): void }): {
      unsubscribe(): void;
    };
  };
  const subscription = observable.subscribe({
    next: ({ data }) => {
      if (data.onImageProcessed) events.push(data.onImageProcessed);
    },
    error: () => undefined,
  });
  await acknowledged;
  stopListening();
  return {
    heard: (status: string) =>
      eventually(async () => events.find((event) => event.status === status), { what: `a ${status} event` }),
    unsubscribe: () => subscription.unsubscribe(),
  };
}

beforeAll(async () => {
  clients = clientsFor();
  const outputs = JSON.parse(
    await readFile(path.join(stackInfo().dataDir, 'amplify_outputs.json'), 'utf8'),
  ) as AmplifyOutputs;
  installLoopbackWebSocket();
  Amplify.configure(toResourcesConfig(outputs));
  const api = generateClient();
  graphql = (options) => api.graphql(options);
  disconnected = amplifySocketClosed();
  [owner, other] = await Promise.all([createUser('review-owner'), createUser('review-other')]);
  [moderator, secondModerator] = await Promise.all([
    makeModerator('review-mod'),
    makeModerator('review-mod2'),
  ]);
  await admin('faults', {
    method: 'PUT',
    body: JSON.stringify([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: `uploads/${owner.sub}/*`,
        response: {
          ModerationLabels: [{ Name: 'Explicit', ParentName: '', Confidence: 97.5, TaxonomyLevel: 1 }],
          ModerationModelVersion: '7.0',
        },
      },
    ]),
  });
}, 120_000);

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
  await disconnected;
});

describe('the moderators group', () => {
  it('is joined with `darkroom admin add-moderator`, and the next tokens carry it', () => {
    expect(decodeJwt(moderator.accessToken)['cognito:groups']).toEqual(['moderators']);
    expect(decodeJwt(owner.accessToken)['cognito:groups']).toBeUndefined();
  });
});

describe('listFlaggedImages and reviewImage for every caller kind', () => {
  let image: { id: string; jpeg: Buffer };
  beforeAll(async () => {
    image = await flaggedImage();
  }, 120_000);

  it('refuses the owner, another user and the IAM principal with Unauthorized, and anonymous callers with 401', async () => {
    for (const token of [owner.accessToken, other.accessToken]) {
      const listed = await asUser(token, listFlagged, {});
      expect(listed.body.data).toBeNull();
      expect(listed.body.errors?.[0]?.errorType).toBe('Unauthorized');
      const decided = await asUser(token, reviewImage, {
        owner: owner.sub,
        id: image.id,
        decision: 'APPROVE',
      });
      expect(decided.body.data).toBeNull();
      expect(decided.body.errors?.[0]?.errorType).toBe('Unauthorized');
    }
    for (const answer of [
      await asIam(listFlagged, {}),
      await asIam(reviewImage, { owner: owner.sub, id: image.id, decision: 'REJECT' }),
    ]) {
      expect(answer.body.data).toBeNull();
      expect(answer.body.errors?.[0]?.errorType).toBe('Unauthorized');
    }
    expect((await asUser(undefined, listFlagged, {})).status).toBe(401);
    expect(
      (await asUser(undefined, reviewImage, { owner: owner.sub, id: image.id, decision: 'REJECT' })).status,
    ).toBe(401);
    // Nobody above decided anything.
    const item = await getImageItem(clients, owner.sub, image.id);
    expect(item).toMatchObject({ status: 'FLAGGED', statusKey: 'FLAGGED' });
    expect(item?.review).toBeUndefined();
  });

  it('lists every FLAGGED image to a moderator, oldest first, with a URL to the quarantined original', async () => {
    const later = await flaggedImage();
    const listed = await asUser(moderator.accessToken, listFlagged, { limit: 100 });
    expect(listed.body.errors).toBeUndefined();
    const page = listed.body.data?.listFlaggedImages as {
      items: Array<Image & { originalUrl: string | null }>;
    };
    const ids = page.items.map((item) => item.id);
    expect(ids).toContain(image.id);
    expect(ids.indexOf(image.id)).toBeLessThan(ids.indexOf(later.id));
    const listedImage = page.items.find((item) => item.id === image.id);
    expect(listedImage).toMatchObject({ owner: owner.sub, status: 'FLAGGED', review: null });
    const original = await fetch(listedImage?.originalUrl ?? '');
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer())).toEqual(image.jpeg);
  });

  it('never hands the owner the quarantined original: originalUrl is Unauthorized for them', async () => {
    const answer = await asUser(
      owner.accessToken,
      'query ($id: ID!) { getImage(id: $id) { id status originalUrl } }',
      {
        id: image.id,
      },
    );
    expect(answer.body.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    expect((answer.body.data?.getImage as { originalUrl: unknown } | null)?.originalUrl ?? null).toBeNull();
  });

  it('refuses a bad decision and an unknown image with a named error', async () => {
    const unknown = await asUser(moderator.accessToken, reviewImage, {
      owner: owner.sub,
      id: '01KNOSUCHIMAGE000000000000',
      decision: 'APPROVE',
    });
    expect(unknown.body.errors?.[0]?.errorType).toBe('NotFound');
    const long = await asUser(moderator.accessToken, reviewImage, {
      owner: owner.sub,
      id: image.id,
      decision: 'REJECT',
      note: 'x'.repeat(1001),
    });
    expect(long.body.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(long.body.errors?.[0]?.message).toContain('note');
  });
});

describe('APPROVE', () => {
  it('re-renders unblurred renditions from the quarantined original through the pipeline; the owner hears COMPLETED', async () => {
    const image = await flaggedImage();
    const uploadKey = keys.original(owner.sub, image.id);
    const flagged = await getImageItem(clients, owner.sub, image.id);
    const blurred = await largeJpegSharpness(flagged ?? {});
    const subscription = await subscribe(owner, image.id);

    const answer = await asUser(moderator.accessToken, reviewImage, {
      owner: owner.sub,
      id: image.id,
      decision: 'APPROVE',
      note: 'a coffee cup',
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.reviewImage).toMatchObject({
      status: 'PROCESSING',
      review: { decision: 'APPROVE', reviewer: moderator.sub, note: 'a coffee cup' },
    });

    const heard = await subscription.heard('COMPLETED');
    subscription.unsubscribe();
    // Every state the owner can read has its own number: the approval's COMPLETED comes after the
    // PROCESSING the decision wrote (a client that read that state would otherwise drop it as a repeat).
    const decided = answer.body.data?.reviewImage as { sequence: number };
    expect(heard.sequence).toBeGreaterThan(decided.sequence);
    expect(heard.review).toMatchObject({
      decision: 'APPROVE',
      reviewer: moderator.sub,
      note: 'a coffee cup',
    });
    expect(heard.thumbnails.every((t) => t.url)).toBe(true);
    const item = await getImageItem(clients, owner.sub, image.id);
    expect(item).toMatchObject({
      status: 'COMPLETED',
      ownerStatus: `${owner.sub}#COMPLETED`,
      sequence: heard.sequence,
    });
    // Sharp again: the LARGE rendition's edges are back.
    expect(await largeJpegSharpness(item ?? {})).toBeGreaterThan(blurred * 2);
    // Only the new renditions, the original back under uploads/, nothing in quarantine.
    const recorded = ((item?.thumbnails ?? []) as Array<{ key: string }>).map((t) => t.key).sort();
    expect((await versionsUnder(keys.thumbnailPrefix(owner.sub, image.id))).sort()).toEqual(recorded);
    expect(await versionsUnder(keys.quarantinePrefixOf(owner.sub, image.id))).toEqual([]);
    expect(await objectBytes(uploadKey)).toEqual(image.jpeg);
    // The moved original started no upload run: one execution for the upload, none since.
    expect(await executionsFor(uploadKey)).toHaveLength(1);
    // Decided once: the queue no longer lists it and a second decision is refused.
    const listed = await asUser(moderator.accessToken, listFlagged, { limit: 100 });
    const ids = (
      (listed.body.data?.listFlaggedImages ?? { items: [] }) as { items: Array<{ id: string }> }
    ).items.map((i) => i.id);
    expect(ids).not.toContain(image.id);
    const again = await asUser(secondModerator.accessToken, reviewImage, {
      owner: owner.sub,
      id: image.id,
      decision: 'REJECT',
    });
    expect(again.body.errors?.[0]?.errorType).toBe('NotReviewable');
  }, 120_000);
});

describe('REJECT', () => {
  it('deletes the original and every rendition, leaves REJECTED with the review, and the owner hears it', async () => {
    const image = await flaggedImage();
    const subscription = await subscribe(owner, image.id);

    const answer = await asUser(moderator.accessToken, reviewImage, {
      owner: owner.sub,
      id: image.id,
      decision: 'REJECT',
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.reviewImage).toMatchObject({
      status: 'REJECTED',
      thumbnails: [],
      review: { decision: 'REJECT', reviewer: moderator.sub, note: null },
    });

    const heard = await subscription.heard('REJECTED');
    subscription.unsubscribe();
    expect(heard).toMatchObject({
      id: image.id,
      status: 'REJECTED',
      thumbnails: [],
      review: { decision: 'REJECT' },
    });
    for (const prefix of [
      keys.uploadPrefixOf(owner.sub, image.id),
      keys.quarantinePrefixOf(owner.sub, image.id),
      keys.thumbnailPrefix(owner.sub, image.id),
    ]) {
      expect(await versionsUnder(prefix)).toEqual([]);
    }
    const item = await eventually(async () => {
      const found = await getImageItem(clients, owner.sub, image.id);
      return found?.publishedAt ? found : undefined;
    });
    expect(item).toMatchObject({ status: 'REJECTED', ownerStatus: `${owner.sub}#REJECTED` });
    expect(item.statusKey).toBeUndefined();
    // The owner sees REJECTED with no URL of anything.
    const seen = await asUser(owner.accessToken, getImage, { id: image.id });
    expect(seen.body.data?.getImage).toMatchObject({ status: 'REJECTED', thumbnails: [], placeholder: null });
  }, 120_000);
});

describe('two decisions at once', () => {
  it('lets exactly one win; the other is told the image is no longer awaiting review', async () => {
    const image = await flaggedImage();
    const answers = await Promise.all([
      asUser(moderator.accessToken, reviewImage, { owner: owner.sub, id: image.id, decision: 'APPROVE' }),
      asUser(secondModerator.accessToken, reviewImage, {
        owner: owner.sub,
        id: image.id,
        decision: 'REJECT',
      }),
    ]);
    const won = answers.filter((answer) => !answer.body.errors);
    const lost = answers.filter((answer) => answer.body.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.body.errors?.[0]?.errorType).toBe('NotReviewable');
    const winner = won[0]?.body.data?.reviewImage as {
      review: { decision: string; reviewer: string; reviewedAt: string };
    };
    const item = await waitForStatus(clients, owner.sub, image.id, ['COMPLETED', 'REJECTED'], 90_000);
    // The stored review is the winner's (a note is stored only when given).
    expect(item.review).toEqual({
      decision: winner.review.decision,
      reviewer: winner.review.reviewer,
      reviewedAt: winner.review.reviewedAt,
    });
    expect(item.status).toBe(winner.review.decision === 'APPROVE' ? 'COMPLETED' : 'REJECTED');
  }, 120_000);
});
