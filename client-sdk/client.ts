/**
 * The darkroom client: a small typed layer over aws-amplify v6 for web, Node and React Native.
 * `createDarkroomClient(outputs)` configures Amplify from an `amplify_outputs.json` (local or
 * deployed) and returns every operation of the API, typed from the schema.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { confirmSignUp, fetchAuthSession, getCurrentUser, signOut, signUp } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { print } from 'graphql';
import { names } from '../contracts/names.ts';
import { type AmplifyOutputs, isLoopbackApi, toResourcesConfig } from './amplify-config.ts';
import { signInWithPassword } from './auth.ts';
import { contentTypeOf } from './content-type.ts';
import { withDeadline } from './deadline.ts';
import { AbortedError, DarkroomError, ProcessingFailedError, toDarkroomError } from './errors.ts';
import {
  DeleteImageDocument,
  GetImageDocument,
  type ImageSearchInput,
  type ImageStage,
  type ImageStatus,
  ListFlaggedImagesDocument,
  type ListFlaggedImagesQuery,
  ListImagesDocument,
  MyUsageDocument,
  type MyUsageQuery,
  OnImageProcessedDocument,
  OnImageProgressDocument,
  RequestUploadDocument,
  type ReviewDecision,
  ReviewImageDocument,
  SearchImagesDocument,
} from './generated/operations.ts';
import { type Image, ImageEventRouter, isTerminal } from './image-events.ts';
import { installLoopbackWebSocket } from './loopback-websocket.ts';
import { postUpload, type UploadBody, type UploadProgress } from './post-upload.ts';
import { repeatFilter } from './repeat-filter.ts';
import { sendAgainOnConflict } from './send-again.ts';

export type { Image } from './image-events.ts';

export interface DarkroomClientOptions {
  /**
   * Supplies the Cognito access token for each call instead of Amplify's signed-in session, so
   * several users can act from one process (scripts, tests). On the wire this is the same
   * request: the raw JWT in `Authorization`.
   */
  accessToken?: () => Promise<string>;
  /** How long `upload` waits for the pipeline after the POST (default 2 minutes). */
  processingTimeoutMs?: number;
  /**
   * How long `upload()` waits for the real-time subscription to be acknowledged before it gives up
   * with TimeoutError (default 30 s; a healthy connection takes well under one).
   */
  realtimeAckTimeoutMs?: number;
}

export type UploadPhase = 'requesting' | 'uploading' | 'processing';

/** One report of `upload()`: bytes while uploading, then the pipeline's milestones in sequence order. */
export type UploadReport = UploadProgress & {
  phase: UploadPhase;
  imageId?: string;
  /** While processing: the last milestone reached (null until the first arrives). */
  stage?: ImageStage | null;
  /** The milestone's sequence number (Image.sequence). */
  sequence?: number | null;
};

export interface UploadOptions {
  fileName?: string;
  contentType?: string;
  onProgress?: (progress: UploadReport) => void;
  signal?: AbortSignal;
}

export interface ListOptions {
  status?: ImageStatus;
  limit?: number;
}

export type SearchFilter = ImageSearchInput;
/** A FLAGGED image as moderators see it: with `originalUrl`, the quarantined original. */
export type FlaggedImage = ListFlaggedImagesQuery['listFlaggedImages']['items'][number];
export type { ReviewDecision };
export type Usage = MyUsageQuery['myUsage'];

export interface ImagePage {
  items: Image[];
  nextToken: string | null;
}

type Subscription = { unsubscribe(): void };

/** Amplify's CONTROL_MSG.SUBSCRIPTION_ACK (not exported): the Hub event it dispatches for a start_ack. */
const SUBSCRIPTION_ACK = 'Subscription ack';

export function createDarkroomClient(outputs: AmplifyOutputs, options: DarkroomClientOptions = {}) {
  if (isLoopbackApi(outputs)) installLoopbackWebSocket();
  Amplify.configure(toResourcesConfig(outputs));
  const api = generateClient();
  const processingTimeoutMs = options.processingTimeoutMs ?? 120_000;
  const realtimeAckTimeoutMs = options.realtimeAckTimeoutMs ?? 30_000;

  const authOptions = async () =>
    options.accessToken ? { authMode: 'lambda' as const, authToken: await options.accessToken() } : {};

  async function call<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V) {
    let result: { data?: R | null; errors?: unknown[] };
    try {
      result = (await api.graphql({
        query: print(document),
        variables,
        ...(await authOptions()),
      })) as typeof result;
    } catch (thrown) {
      throw toDarkroomError(thrown);
    }
    if (result.errors?.length || !result.data) throw toDarkroomError(result);
    return result.data;
  }

  function subscribe<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    handlers: { next(data: R): void; error(error: unknown): void; onAck?(): void },
  ): Subscription {
    let inner: Subscription | undefined;
    let stopped = false;
    // Amplify reports each start_ack (also the ones after a reconnect) only on the Hub, with the
    // variables object it was given: that object's identity tells our subscription from others
    // on the same shared socket (another client in this process, or another user).
    const stopAcks = handlers.onAck
      ? Hub.listen('api', ({ payload }) => {
          const data = payload.data as { variables?: unknown } | undefined;
          if (payload.event === SUBSCRIPTION_ACK && data?.variables === variables) handlers.onAck?.();
        })
      : undefined;
    void authOptions().then((auth) => {
      if (stopped) return;
      const observable = api.graphql({ query: print(document), variables, ...auth }) as unknown as {
        subscribe(o: { next(v: { data: R }): void; error(e: unknown): void }): Subscription;
      };
      inner = observable.subscribe({
        next: ({ data }) => handlers.next(data),
        error: (error) => handlers.error(toDarkroomError(error)),
      });
    }, handlers.error);
    return {
      unsubscribe() {
        stopped = true;
        stopAcks?.();
        inner?.unsubscribe();
      },
    };
  }

  const getImage = async (id: string): Promise<Image | null> =>
    (await call(GetImageDocument, { id })).getImage;

  async function listImagesPage(
    { status, limit }: ListOptions = {},
    nextToken?: string | null,
  ): Promise<ImagePage> {
    const page = (await call(ListImagesDocument, { status, limit, nextToken })).listImages;
    return { items: page.items, nextToken: page.nextToken ?? null };
  }

  /** One page of a search; a page may be short (even empty) and still have a nextToken. */
  async function searchImagesPage(
    filter: SearchFilter,
    { limit }: { limit?: number } = {},
    nextToken?: string | null,
  ): Promise<ImagePage> {
    const page = (await call(SearchImagesDocument, { filter, limit, nextToken })).searchImages;
    return { items: page.items, nextToken: page.nextToken ?? null };
  }

  const events = new ImageEventRouter({
    getImage,
    subscribe: ({ next, error, onReady }) => {
      let acknowledgedBefore = false;
      const subscription = subscribe(
        OnImageProgressDocument,
        {},
        {
          next: (data) => data.onImageProgress && next(data.onImageProgress),
          error,
          onAck: () => {
            onReady(acknowledgedBefore ? 'reconnected' : 'connected');
            acknowledgedBefore = true;
          },
        },
      );
      return () => subscription.unsubscribe();
    },
  });

  return {
    /** Self sign-up; Cognito sends (locally: prints) a confirmation code. */
    signUp: (username: string, password: string, email = username) =>
      signUp({ username, password, options: { userAttributes: { email } } }),
    confirmSignUp: (username: string, code: string) => confirmSignUp({ username, confirmationCode: code }),
    /** Always USER_PASSWORD_AUTH: the same flow works against Cognito and the local stack. */
    signIn: (username: string, password: string) => signInWithPassword({ username, password }),
    signOut: async () => {
      events.close();
      await signOut();
    },
    currentUser: () => getCurrentUser(),
    accessToken: async () => (await fetchAuthSession()).tokens?.accessToken.toString(),

    getImage,

    listImagesPage,

    /** Every page of the caller's images, newest first. */
    async *listImages(list: ListOptions = {}): AsyncGenerator<ImagePage> {
      let nextToken: string | null = null;
      do {
        const page: ImagePage = await listImagesPage(list, nextToken);
        yield page;
        nextToken = page.nextToken;
      } while (nextToken);
    },

    searchImagesPage,

    /** Every image matching `filter`, newest first, following nextToken past short pages. */
    async searchImages(filter: SearchFilter, { limit }: { limit?: number } = {}): Promise<Image[]> {
      const found: Image[] = [];
      let nextToken: string | null = null;
      do {
        const page: ImagePage = await searchImagesPage(filter, { limit }, nextToken);
        found.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      return found;
    },

    /** The caller's quotas and what counts against them. */
    async myUsage(): Promise<Usage> {
      return (await call(MyUsageDocument, {})).myUsage;
    },

    async deleteImage(id: string): Promise<Image> {
      return (await call(DeleteImageDocument, { id })).deleteImage;
    },

    /** Whether the signed-in user is in the moderators group (the Review page's audience). */
    async isModerator(): Promise<boolean> {
      const groups = (await fetchAuthSession()).tokens?.accessToken.payload['cognito:groups'];
      return Array.isArray(groups) && groups.includes(names.moderatorsGroup);
    },

    /** Moderators only: one page of every owner's FLAGGED images, oldest first. */
    async listFlaggedImages(
      { limit }: { limit?: number } = {},
      nextToken: string | null = null,
    ): Promise<{ items: FlaggedImage[]; nextToken: string | null }> {
      const page = (await call(ListFlaggedImagesDocument, { limit, nextToken })).listFlaggedImages;
      return { items: page.items, nextToken: page.nextToken ?? null };
    },

    /** Moderators only: decides a FLAGGED image once (the owner hears it through onImageProcessed). */
    async reviewImage(
      image: { owner: string; id: string },
      decision: ReviewDecision,
      note?: string,
    ): Promise<Image> {
      return (await call(ReviewImageDocument, { owner: image.owner, id: image.id, decision, note }))
        .reviewImage;
    },

    /**
     * Live events for the caller's images (one image when `id` is given). Each announcement is
     * delivered once: repeats (the pipeline announces at least once) are dropped by their dedupe key.
     */
    onImageProcessed(
      handlers: { next(image: Image): void; error?(error: unknown): void },
      id?: string,
    ): Subscription {
      const isFirst = repeatFilter();
      return subscribe(
        OnImageProcessedDocument,
        { id },
        {
          next: (data) =>
            data.onImageProcessed && isFirst(data.onImageProcessed) && handlers.next(data.onImageProcessed),
          error: (error) => handlers.error?.(error),
        },
      );
    },

    /**
     * Every milestone and the terminal state of the caller's images (one image when `id` is given),
     * in sequence order and at most once each: repeats and older events are dropped, and after a
     * reconnect or a gap the unfinished images are read and their current state delivered. With
     * `id`, the image's current state is read and delivered first, and again after each reconnect.
     */
    onImageProgress(
      handlers: { next(image: Image): void; error?(error: unknown): void },
      id?: string,
    ): Subscription {
      const router = new ImageEventRouter(
        {
          getImage,
          subscribe: ({ next, error, onReady }) => {
            let acknowledgedBefore = false;
            const subscription = subscribe(
              OnImageProgressDocument,
              { id },
              {
                next: (data) => data.onImageProgress && next(data.onImageProgress),
                error,
                onAck: () => {
                  onReady(acknowledgedBefore ? 'reconnected' : 'connected');
                  acknowledgedBefore = true;
                },
              },
            );
            return () => subscription.unsubscribe();
          },
        },
        { onImage: (image) => handlers.next(image), follow: id },
      );
      router.ready().catch((error: unknown) => handlers.error?.(error));
      return { unsubscribe: () => router.close() };
    },

    /**
     * requestUpload → presigned POST (with progress) → the processed Image. Rejects with
     * ValidationError, UploadRejectedError (S3's code), ProcessingFailedError (the image's code),
     * TimeoutError or AbortedError.
     */
    async upload(
      body: UploadBody,
      { fileName, contentType, onProgress, signal }: UploadOptions = {},
    ): Promise<Image> {
      const name = fileName ?? (typeof File !== 'undefined' && body instanceof File ? body.name : 'upload');
      const type = await contentTypeOf(body, contentType);
      const size = body instanceof Blob ? body.size : body.byteLength;
      onProgress?.({ phase: 'requesting', loaded: 0, total: size });
      // Without an acknowledged subscription no event could arrive: fail rather than wait forever
      // (a runtime without WebSocket, a proxy that blocks the upgrade, an endpoint that never answers).
      await withDeadline(
        events.ready(),
        realtimeAckTimeoutMs,
        signal,
        `the real-time subscription to ${outputs.data?.url ?? 'the API'} was not acknowledged`,
      );
      if (signal?.aborted) throw new AbortedError('upload aborted');
      const ticket = (
        await sendAgainOnConflict(() =>
          call(RequestUploadDocument, { input: { fileName: name, contentType: type, size } }),
        )
      ).requestUpload;
      const imageId = ticket.image.id;
      let stage: ImageStage | null = null;
      let sequence: number | null = null;
      const reportProcessing = () =>
        onProgress?.({ phase: 'processing', loaded: size, total: size, imageId, stage, sequence });
      // The pipeline starts only once S3 holds the whole file, so a milestone is reported as soon as
      // it arrives, even when it overtakes the POST's own answer.
      const waiting = events.waitFor(imageId, (image) => {
        if (isTerminal(image)) return;
        stage = image.stage ?? stage;
        sequence = image.sequence ?? sequence;
        reportProcessing();
      });
      try {
        await postUpload(
          { url: ticket.url, fields: JSON.parse(ticket.fields) as Record<string, string> },
          body,
          {
            signal,
            onProgress: (progress) => onProgress?.({ ...progress, phase: 'uploading', imageId }),
          },
        );
        if (stage === null) reportProcessing();
        const image = await withDeadline(
          waiting.done,
          processingTimeoutMs,
          signal,
          `image ${imageId} was not processed`,
        );
        if (image.status === 'FAILED') {
          throw new ProcessingFailedError(
            imageId,
            image.error ?? { code: 'Unknown', message: 'no reason given' },
          );
        }
        return image;
      } catch (error) {
        throw error instanceof DarkroomError ? error : toDarkroomError(error);
      } finally {
        waiting.cancel();
      }
    },

    /** Stops the shared subscription (the CLI calls this before exiting). */
    close: () => events.close(),
  };
}

export type DarkroomClient = ReturnType<typeof createDarkroomClient>;
