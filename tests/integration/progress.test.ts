/**
 * Real-time progress (issue 19) with aws-amplify as the client: every image's milestones and its
 * terminal state reach the owner's `onImageProgress`, numbered by `sequence`, for a normal, a
 * FLAGGED and a FAILED image; no thumbnail URL before the verdict; nothing reaches another user;
 * and a socket cut between INSPECTED and the end still leaves the SDK with the right final state,
 * each later milestone at most once and in sequence order.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONNECTION_STATE_CHANGE, ConnectionState, generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import { print } from 'graphql';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmplifyOutputs } from '../../client-sdk/amplify-config.ts';
import { createDarkroomClient, type DarkroomClient, type UploadReport } from '../../client-sdk/client.ts';
import { ProcessingFailedError, TimeoutError } from '../../client-sdk/errors.ts';
import { OnImageProgressDocument } from '../../client-sdk/generated/operations.ts';
import type { Image } from '../../client-sdk/image-events.ts';
import { photo } from '../fixtures.ts';
import { amplifySocketClosed } from './amplify-socket.ts';
import { admin, eventually, postUpload, requestUpload, stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

/** Amplify's CONTROL_MSG.SUBSCRIPTION_ACK (not exported): its Hub event for a start_ack. */
const SUBSCRIPTION_ACK = 'Subscription ack';

let outputs: AmplifyOutputs;
let jpeg: Buffer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let asAlice: DarkroomClient;
let asCarol: DarkroomClient;
let socketClosed: Promise<void>;

type Graphql = (options: {
  query: string;
  variables: Record<string, unknown>;
  authMode: 'lambda';
  authToken: string;
}) => unknown;
let graphql: Graphql;

const setFaults = (faults: unknown[]) => admin('faults', { method: 'PUT', body: JSON.stringify(faults) });

beforeAll(async () => {
  outputs = JSON.parse(
    await readFile(path.join(stackInfo().dataDir, 'amplify_outputs.json'), 'utf8'),
  ) as AmplifyOutputs;
  jpeg = await sharp(photo('chelsea.png')).jpeg({ quality: 85 }).toBuffer();
  [alice, bob, carol] = await Promise.all([
    createUser('progress-alice'),
    createUser('progress-bob'),
    createUser('progress-carol'),
  ]);
  socketClosed = amplifySocketClosed();
  const client = (user: TestUser) =>
    createDarkroomClient(outputs, { accessToken: async () => user.accessToken, processingTimeoutMs: 60_000 });
  asAlice = client(alice);
  asCarol = client(carol);
  const api = generateClient();
  graphql = (options) => api.graphql(options);
});

afterAll(async () => {
  await setFaults([]);
  asAlice.close();
  asCarol.close();
  await socketClosed;
});

/** What one raw aws-amplify `onImageProgress` subscriber received, in arrival order. */
interface RawSubscriber {
  events: Image[];
  until(done: (events: Image[]) => boolean): Promise<void>;
  unsubscribe(): void;
}

async function subscribeRaw(user: TestUser, id?: string): Promise<RawSubscriber> {
  const variables = { id };
  const events: Image[] = [];
  const checks = new Set<() => void>();
  let ack!: () => void;
  const acknowledged = new Promise<void>((resolve) => {
    ack = resolve;
  });
  const stopListening = Hub.listen('api', ({ payload }) => {
    const data = payload.data as { variables?: unknown } | undefined;
    if (payload.event === SUBSCRIPTION_ACK && data?.variables === variables) ack();
  });
  const observable = graphql({
    query: print(OnImageProgressDocument),
    variables,
    authMode: 'lambda',
    authToken: user.accessToken,
  }) as {
    subscribe(o: { next(v: { data: { onImageProgress: Image | null } }): void }): { unsubscribe(): void };
  };
  const subscription = observable.subscribe({
    next: ({ data }) => {
      if (data.onImageProgress) events.push(data.onImageProgress);
      for (const check of checks) check();
    },
  });
  await acknowledged;
  stopListening();
  return {
    events,
    until: (done) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!done(events)) return;
          checks.delete(check);
          resolve();
        };
        checks.add(check);
        check();
      }),
    unsubscribe: () => subscription.unsubscribe(),
  };
}

const terminal = new Set(['COMPLETED', 'FLAGGED', 'FAILED']);
const finished = (id: string) => (events: Image[]) =>
  events.some((e) => e.id === id && terminal.has(e.status));

/** The milestone reports of one upload: the processing phase with a stage. */
function milestones(reports: UploadReport[]): Array<[number | null | undefined, string | null | undefined]> {
  return reports.filter((r) => r.phase === 'processing' && r.stage).map((r) => [r.sequence, r.stage]);
}

/** The checks every image's raw events pass: ordered by sequence, no URL before the verdict. */
function expectProgressEvents(events: Image[], owner: string, finalSequence: number, finalStatus: string) {
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) expect(event.owner).toBe(owner);
  const sequences = events.map((event) => event.sequence ?? 0);
  // Each publish carries the image as stored when it was published: a number names one state.
  for (const event of events) {
    const same = events.filter((other) => other.sequence === event.sequence);
    expect(new Set(same.map((other) => `${other.status}/${other.stage}`)).size).toBe(1);
  }
  const last = events.find((event) => event.sequence === Math.max(...sequences));
  expect(last).toMatchObject({ status: finalStatus, sequence: finalSequence });
  for (const event of events.filter((e) => e.status === 'PROCESSING')) {
    expect(event.thumbnails).toEqual([]);
    expect(event.analysis).toBeNull();
    expect(event.sequence).toBeLessThan(finalSequence);
  }
  // The claim is 1 and the first step publishes it before the next write; INSPECTED is 2.
  expect(events.find((event) => event.sequence === 1)).toMatchObject({
    stage: 'UPLOADED',
    status: 'PROCESSING',
  });
}

describe('onImageProgress', () => {
  it('numbers UPLOADED, INSPECTED, both parallel milestones and COMPLETED 1..5, with no URL before the verdict, to the owner only', async () => {
    const others = await subscribeRaw(bob);
    const mine = await subscribeRaw(alice);
    const reports: UploadReport[] = [];

    const image = await asAlice.upload(jpeg, { fileName: 'chelsea.jpg', onProgress: (r) => reports.push(r) });
    await mine.until(finished(image.id));

    expect(image).toMatchObject({
      status: 'COMPLETED',
      sequence: 5,
      width: 451,
      height: 300,
      format: 'jpeg',
    });
    expect(image.thumbnails.every((thumbnail) => thumbnail.url)).toBe(true);
    // The SDK's reports: strictly increasing sequences, UPLOADED and INSPECTED first, then both branches.
    const reported = milestones(reports);
    expect(reported.slice(0, 2)).toEqual([
      [1, 'UPLOADED'],
      [2, 'INSPECTED'],
    ]);
    const sequences = reported.map(([sequence]) => sequence ?? 0);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(reported.slice(2).every(([, stage]) => stage === 'THUMBNAILS_READY' || stage === 'ANALYSED')).toBe(
      true,
    );

    const events = mine.events.filter((event) => event.id === image.id);
    expectProgressEvents(events, alice.sub, 5, 'COMPLETED');
    // INSPECTED carries what inspect read; a later branch milestone is the 4th event.
    expect(events.find((event) => event.sequence === 2)).toMatchObject({
      stage: 'INSPECTED',
      width: 451,
      height: 300,
      format: 'jpeg',
    });
    expect(['THUMBNAILS_READY', 'ANALYSED']).toContain(events.find((event) => event.sequence === 4)?.stage);

    // Bob's subscription saw none of it (his own upload proves it was live).
    const asBob = createDarkroomClient(outputs, { accessToken: async () => bob.accessToken });
    const bobs = await asBob.upload(jpeg, { fileName: 'bob.jpg' });
    asBob.close();
    await others.until(finished(bobs.id));
    expect(new Set(others.events.map((event) => event.owner))).toEqual(new Set([bob.sub]));
    expect(others.events.some((event) => event.id === image.id)).toBe(false);
    mine.unsubscribe();
    others.unsubscribe();
  });

  it('ends a FLAGGED image at 5 with blurred renditions only at the end', async () => {
    await setFaults([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: `uploads/${carol.sub}/*`,
        response: {
          ModerationLabels: [{ Name: 'Explicit', ParentName: '', Confidence: 97.5, TaxonomyLevel: 1 }],
          ModerationModelVersion: '7.0',
        },
      },
    ]);
    const mine = await subscribeRaw(carol);
    const reports: UploadReport[] = [];

    const image = await asCarol.upload(jpeg, { fileName: 'flagged.jpg', onProgress: (r) => reports.push(r) });
    await mine.until(finished(image.id));
    await setFaults([]);

    expect(image).toMatchObject({ status: 'FLAGGED', sequence: 5 });
    expect(image.thumbnails.length).toBeGreaterThan(0);
    expect(image.thumbnails.every((thumbnail) => thumbnail.url)).toBe(true);
    expect(milestones(reports).slice(0, 2)).toEqual([
      [1, 'UPLOADED'],
      [2, 'INSPECTED'],
    ]);
    expectProgressEvents(
      mine.events.filter((event) => event.id === image.id),
      carol.sub,
      5,
      'FLAGGED',
    );
    mine.unsubscribe();
  });

  it('ends a FAILED image right after UPLOADED: the terminal event takes the next number', async () => {
    const mine = await subscribeRaw(alice);
    const reports: UploadReport[] = [];
    const text = Buffer.from('this is a shopping list, not a photo\n'.repeat(20));

    const error = await asAlice
      .upload(text, { fileName: 'list.jpg', contentType: 'image/jpeg', onProgress: (r) => reports.push(r) })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

    expect(error).toBeInstanceOf(ProcessingFailedError);
    const imageId = (error as ProcessingFailedError).imageId;
    await mine.until(finished(imageId));
    const events = mine.events.filter((event) => event.id === imageId);
    expectProgressEvents(events, alice.sub, 2, 'FAILED');
    expect(events.at(-1)?.error?.code).toMatch(/UnsupportedImage|CorruptImage/);
    expect(events.some((event) => event.stage === 'INSPECTED')).toBe(false);
    mine.unsubscribe();
  });

  it('survives a socket cut between INSPECTED and the end: the final state, later milestones at most once and in order', async () => {
    // The parallel steps wait a moment, so the cut lands between INSPECTED and the rest.
    const slowSteps = ['darkroom-thumbnails', 'darkroom-analyse'].map((match) => ({
      service: 'lambda',
      operation: 'Invoke',
      match,
      latencyMs: 1500,
    }));
    await setFaults(slowSteps);
    const states: string[] = [];
    const stopStates = Hub.listen('api', ({ payload }) => {
      if (payload.event === CONNECTION_STATE_CHANGE) {
        states.push(String((payload.data as { connectionState?: string } | undefined)?.connectionState));
      }
    });
    const reports: UploadReport[] = [];
    let cut: Promise<unknown> | undefined;

    const image = await asAlice.upload(jpeg, {
      fileName: 'cut.jpg',
      onProgress: (report) => {
        reports.push(report);
        // The next data frame closes the socket without a close frame (clients see 1006).
        if (report.stage === 'INSPECTED' && !cut) {
          cut = setFaults([
            ...slowSteps,
            { service: 'appsync', operation: 'Realtime', match: 'data', action: 'disconnect', count: 1 },
          ]);
        }
      },
    });
    await cut;
    await setFaults([]);
    stopStates();

    expect(states).toContain(ConnectionState.ConnectionDisrupted);
    expect(image).toMatchObject({ status: 'COMPLETED', sequence: 5 });
    expect(image.thumbnails.every((thumbnail) => thumbnail.url)).toBe(true);
    const reported = milestones(reports);
    const sequences = reported.map(([sequence]) => sequence ?? 0);
    expect(reported.slice(0, 2)).toEqual([
      [1, 'UPLOADED'],
      [2, 'INSPECTED'],
    ]);
    // In order, each at most once, none from before the cut again, none beyond the final state.
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequences.every((sequence) => sequence < 5)).toBe(true);
    const stages = reported.slice(2).map(([, stage]) => stage);
    expect(new Set(stages).size).toBe(stages.length);
    // The stored image agrees with what the client ended with.
    expect(await asAlice.getImage(image.id)).toMatchObject({ status: 'COMPLETED', sequence: 5 });
  });

  it('follows one image by id with the SDK: its state at once, and its end across a reconnect that outlasted the processing', async () => {
    const { image, ticket } = await requestUpload(alice, { contentType: 'image/jpeg', size: jpeg.length });
    const seen: Image[] = [];
    const watching = asAlice.onImageProgress({ next: (event) => seen.push(event) }, image.id);
    // Nothing is published before the upload: what arrives first is the state read at the ack.
    await eventually(async () => (seen.length > 0 ? true : undefined), {
      what: 'the state at subscribe time',
    });
    expect(seen[0]).toMatchObject({ id: image.id, status: 'PENDING_UPLOAD' });

    // The first event cuts the socket, and the reconnect is held up until the image is long done.
    await setFaults([
      { service: 'appsync', operation: 'Realtime', match: 'data', action: 'disconnect', count: 1 },
      { service: 'appsync', operation: 'Realtime', match: 'connection_ack', latencyMs: 4000, count: 1 },
    ]);
    expect((await postUpload(ticket, jpeg, 'image/jpeg')).status).toBe(204);
    const final = await eventually(async () => seen.find((event) => event.status === 'COMPLETED'), {
      timeoutMs: 60_000,
      what: 'COMPLETED after the reconnect',
    });
    await setFaults([]);
    watching.unsubscribe();

    expect(final).toMatchObject({ id: image.id, sequence: 5 });
    expect(seen.every((event) => event.id === image.id)).toBe(true);
    const sequences = seen.slice(1).map((event) => event.sequence ?? 0);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(seen.at(-1)).toBe(final);
  });

  it('gives up an upload with TimeoutError when the real-time subscription is never acknowledged, and asks nothing of S3', async () => {
    const impatient = createDarkroomClient(outputs, {
      accessToken: async () => bob.accessToken,
      realtimeAckTimeoutMs: 2_000,
    });
    // The new subscription's acknowledgement comes only long after the client's limit (a proxy
    // eating the upgrade, or a runtime without WebSocket, never sends one at all).
    await setFaults([
      { service: 'appsync', operation: 'Realtime', match: 'start_ack', latencyMs: 6_000, count: 1 },
    ]);
    const reports: UploadReport[] = [];

    const error = await impatient
      .upload(jpeg, { fileName: 'never.jpg', onProgress: (r) => reports.push(r) })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    await setFaults([]);
    impatient.close();

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('real-time subscription');
    expect(reports.map((r) => r.phase)).toEqual(['requesting']);
  });
});
