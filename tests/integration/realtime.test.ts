/**
 * Real-time subscriptions end to end with the real aws-amplify v6 client: a real upload runs the
 * pipeline, whose IAM-signed publishImageProcessed reaches the owner's `onImageProcessed`
 * subscribers with the whole Image — and nobody else's; the `id` argument narrows to one image.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import { print } from 'graphql';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmplifyOutputs, toResourcesConfig } from '../../client-sdk/amplify-config.ts';
import { OnImageProcessedDocument, RequestUploadDocument } from '../../client-sdk/generated/operations.ts';
import type { Image } from '../../client-sdk/image-events.ts';
import { installLoopbackWebSocket } from '../../client-sdk/loopback-websocket.ts';
import { photo } from '../fixtures.ts';
import { amplifySocketClosed } from './amplify-socket.ts';
import { stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

/** aws-amplify's client.graphql, typed loosely: its generics are too deep for plain query strings. */
type Graphql = (options: {
  query: string;
  variables: Record<string, unknown>;
  authMode: 'lambda';
  authToken: string;
}) => unknown;

/** Amplify's CONTROL_MSG.SUBSCRIPTION_ACK (not exported): its Hub event for a start_ack. */
const SUBSCRIPTION_ACK = 'Subscription ack';

let graphql: Graphql;
let alice: TestUser;
let bob: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  const outputs = JSON.parse(
    await readFile(path.join(stackInfo().dataDir, 'amplify_outputs.json'), 'utf8'),
  ) as AmplifyOutputs;
  installLoopbackWebSocket();
  Amplify.configure(toResourcesConfig(outputs));
  const api = generateClient();
  graphql = (options) => api.graphql(options);
  disconnected = amplifySocketClosed();
  [alice, bob] = await Promise.all([createUser('realtime-alice'), createUser('realtime-bob')]);
  jpeg = await sharp(photo('chelsea.png')).jpeg({ quality: 85 }).toBuffer();
});

// Amplify closes its socket about a second after the last unsubscribe; leaving before that keeps
// the worker's connection open while the stack shuts down.
let disconnected: Promise<void>;
afterAll(() => disconnected);

/** The events one subscriber received, and a way to await the one for an image. */
interface Subscriber {
  events: Image[];
  eventFor(id: string): Promise<Image>;
  unsubscribe(): void;
}

/**
 * Subscribes as `user` (the raw access token in Authorization, as Amplify's userPool mode sends it)
 * and resolves once AppSync acknowledged the start (amplify reports start_ack on the Hub only).
 */
async function subscribe(user: TestUser, id?: string): Promise<Subscriber> {
  const variables = { id };
  const events: Image[] = [];
  const waiting = new Map<string, (image: Image) => void>();
  let ack!: () => void;
  let fail!: (error: Error) => void;
  const acknowledged = new Promise<void>((resolve, reject) => {
    ack = resolve;
    fail = reject;
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
  }) as unknown as {
    subscribe(o: { next(v: { data: { onImageProcessed: Image | null } }): void; error(e: unknown): void }): {
      unsubscribe(): void;
    };
  };
  const subscription = observable.subscribe({
    next: ({ data }) => {
      const image = data.onImageProcessed;
      if (!image) return;
      events.push(image);
      waiting.get(image.id)?.(image);
    },
    error: (error) => fail(new Error(`subscription failed: ${JSON.stringify(error)}`)),
  });
  try {
    await acknowledged;
  } finally {
    stopListening();
  }
  return {
    events,
    eventFor: (imageId) => {
      const seen = events.find((image) => image.id === imageId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.set(imageId, resolve));
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

interface Ticket {
  id: string;
  post(): Promise<void>;
}

/** requestUpload as `user`; `post()` then sends the JPEG with the presigned POST. */
async function requestUpload(user: TestUser, fileName: string): Promise<Ticket> {
  const result = (await graphql({
    query: print(RequestUploadDocument),
    variables: { input: { fileName, contentType: 'image/jpeg', size: jpeg.length } },
    authMode: 'lambda',
    authToken: user.accessToken,
  })) as { data: { requestUpload: { url: string; fields: string; image: { id: string } } } };
  const ticket = result.data.requestUpload;
  return {
    id: ticket.image.id,
    async post() {
      const form = new FormData();
      for (const [name, value] of Object.entries(JSON.parse(ticket.fields) as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), fileName);
      const response = await fetch(ticket.url, { method: 'POST', body: form });
      expect(response.status).toBe(204);
    },
  };
}

async function upload(user: TestUser, fileName: string): Promise<string> {
  const ticket = await requestUpload(user, fileName);
  await ticket.post();
  return ticket.id;
}

describe('onImageProcessed over the AppSync real-time protocol', () => {
  it("delivers the owner's processed image with the whole selection, and nothing to another user", async () => {
    const mine = await subscribe(alice);
    const others = await subscribe(bob);

    const ticket = await requestUpload(alice, 'chelsea.jpg');
    const started = Date.now();
    await ticket.post();
    const { id } = ticket;
    const image = await mine.eventFor(id);
    console.info(`POST to onImageProcessed event: ${Date.now() - started} ms`);

    expect(image).toMatchObject({
      id,
      owner: alice.sub,
      fileName: 'chelsea.jpg',
      contentType: 'image/jpeg',
      size: jpeg.length,
      width: 451,
      height: 300,
      format: 'jpeg',
      status: 'COMPLETED',
      error: null,
      analysis: { labels: [], faceCount: 0, faces: [], moderationLabels: [], isSafe: true },
    });
    expect(image.processedAt).toEqual(expect.any(String));
    expect(image.thumbnails.map((t) => `${t.size}/${t.format}`).sort()).toEqual([
      'LARGE/JPEG',
      'LARGE/WEBP',
      'MEDIUM/JPEG',
      'MEDIUM/WEBP',
      'SMALL/JPEG',
      'SMALL/WEBP',
    ]);
    for (const thumbnail of image.thumbnails) {
      expect(thumbnail.url).toEqual(expect.stringContaining(thumbnail.key));
      const response = await fetch(thumbnail.url ?? '');
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const metadata = await sharp(bytes).metadata();
      expect({ width: metadata.width, height: metadata.height, format: metadata.format }).toEqual({
        width: thumbnail.width,
        height: thumbnail.height,
        format: thumbnail.format === 'JPEG' ? 'jpeg' : 'webp',
      });
    }

    // Bob's own image proves his subscription is live; Alice's never reached him.
    const bobsId = await upload(bob, 'bob.jpg');
    await others.eventFor(bobsId);
    expect(others.events.map((event) => event.id)).toEqual([bobsId]);
    expect(mine.events.map((event) => event.id)).toEqual([id]);
    mine.unsubscribe();
    others.unsubscribe();
  });

  it('narrows a subscription to one image with the id argument', async () => {
    const [first, second] = await Promise.all([
      requestUpload(alice, 'first.jpg'),
      requestUpload(alice, 'second.jpg'),
    ]);
    const all = await subscribe(alice);
    const narrowed = await subscribe(alice, first.id);
    await Promise.all([first.post(), second.post()]);

    await Promise.all([all.eventFor(first.id), all.eventFor(second.id), narrowed.eventFor(first.id)]);
    expect(all.events.map((event) => event.id).sort()).toEqual([first.id, second.id].sort());
    expect(narrowed.events.map((event) => event.id)).toEqual([first.id]);
    all.unsubscribe();
    narrowed.unsubscribe();
  });
});
