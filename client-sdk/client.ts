/**
 * The darkroom client: a small typed layer over aws-amplify v6 for web, Node and React Native.
 * `createDarkroomClient(outputs)` configures Amplify from an `amplify_outputs.json` (local or
 * deployed) and returns every operation of the API, typed from the schema.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Amplify } from 'aws-amplify';
import { CONNECTION_STATE_CHANGE, ConnectionState, generateClient } from 'aws-amplify/api';
import { confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { print } from 'graphql';
import { type AmplifyOutputs, isLoopbackApi, toResourcesConfig } from './amplify-config.ts';
import { contentTypeOf } from './content-type.ts';
import {
  AbortedError,
  DarkroomError,
  ProcessingFailedError,
  TimeoutError,
  toDarkroomError,
} from './errors.ts';
import {
  DeleteImageDocument,
  GetImageDocument,
  type ImageStatus,
  ListImagesDocument,
  OnImageProcessedDocument,
  RequestUploadDocument,
} from './generated/operations.ts';
import { type Image, ImageEventRouter } from './image-events.ts';
import { installLoopbackWebSocket } from './loopback-websocket.ts';
import { postUpload, type UploadBody, type UploadProgress } from './post-upload.ts';

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
}

export type UploadPhase = 'requesting' | 'uploading' | 'processing';

export interface UploadOptions {
  fileName?: string;
  contentType?: string;
  onProgress?: (progress: UploadProgress & { phase: UploadPhase; imageId?: string }) => void;
  signal?: AbortSignal;
}

export interface ListOptions {
  status?: ImageStatus;
  limit?: number;
}

export interface ImagePage {
  items: Image[];
  nextToken: string | null;
}

type Subscription = { unsubscribe(): void };

export function createDarkroomClient(outputs: AmplifyOutputs, options: DarkroomClientOptions = {}) {
  if (isLoopbackApi(outputs)) installLoopbackWebSocket();
  Amplify.configure(toResourcesConfig(outputs));
  const api = generateClient();
  const processingTimeoutMs = options.processingTimeoutMs ?? 120_000;

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
    handlers: { next(data: R): void; error(error: unknown): void },
  ): Subscription {
    let inner: Subscription | undefined;
    let stopped = false;
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
        inner?.unsubscribe();
      },
    };
  }

  const getImage = async (id: string): Promise<Image | null> =>
    (await call(GetImageDocument, { id })).getImage;

  const events = new ImageEventRouter({
    getImage,
    subscribe: ({ next, error, onReady }) => {
      // Amplify reports the acknowledgement (start_ack) only as a connection-state change.
      let connectedBefore = false;
      const stopListening = Hub.listen('api', ({ payload }) => {
        if (payload.event !== CONNECTION_STATE_CHANGE) return;
        const state = (payload.data as { connectionState?: string }).connectionState;
        if (state === ConnectionState.Connected) {
          onReady(connectedBefore ? 'reconnected' : 'connected');
          connectedBefore = true;
        }
      });
      const subscription = subscribe(
        OnImageProcessedDocument,
        {},
        {
          next: (data) => data.onImageProcessed && next(data.onImageProcessed),
          error,
        },
      );
      return () => {
        stopListening();
        subscription.unsubscribe();
      };
    },
  });

  return {
    /** Self sign-up; Cognito sends (locally: prints) a confirmation code. */
    signUp: (username: string, password: string, email = username) =>
      signUp({ username, password, options: { userAttributes: { email } } }),
    confirmSignUp: (username: string, code: string) => confirmSignUp({ username, confirmationCode: code }),
    /** Always USER_PASSWORD_AUTH: the same flow works against Cognito and the local stack. */
    signIn: (username: string, password: string) =>
      signIn({ username, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
    signOut: async () => {
      events.close();
      await signOut();
    },
    currentUser: () => getCurrentUser(),
    accessToken: async () => (await fetchAuthSession()).tokens?.accessToken.toString(),

    getImage,

    async listImagesPage({ status, limit }: ListOptions = {}, nextToken?: string | null): Promise<ImagePage> {
      const page = (await call(ListImagesDocument, { status, limit, nextToken })).listImages;
      return { items: page.items, nextToken: page.nextToken ?? null };
    },

    /** Every page of the caller's images, newest first. */
    async *listImages(list: ListOptions = {}): AsyncGenerator<ImagePage> {
      let nextToken: string | null = null;
      do {
        const page: ImagePage = await this.listImagesPage(list, nextToken);
        yield page;
        nextToken = page.nextToken;
      } while (nextToken);
    },

    async deleteImage(id: string): Promise<Image> {
      return (await call(DeleteImageDocument, { id })).deleteImage;
    },

    /** Live events for the caller's images (one image when `id` is given). */
    onImageProcessed(
      handlers: { next(image: Image): void; error?(error: unknown): void },
      id?: string,
    ): Subscription {
      return subscribe(
        OnImageProcessedDocument,
        { id },
        {
          next: (data) => data.onImageProcessed && handlers.next(data.onImageProcessed),
          error: (error) => handlers.error?.(error),
        },
      );
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
      await events.ready();
      if (signal?.aborted) throw new AbortedError('upload aborted');
      const ticket = (
        await call(RequestUploadDocument, { input: { fileName: name, contentType: type, size } })
      ).requestUpload;
      const imageId = ticket.image.id;
      const waiting = events.waitFor(imageId);
      try {
        await postUpload(
          { url: ticket.url, fields: JSON.parse(ticket.fields) as Record<string, string> },
          body,
          {
            signal,
            onProgress: (progress) => onProgress?.({ ...progress, phase: 'uploading', imageId }),
          },
        );
        onProgress?.({ phase: 'processing', loaded: size, total: size, imageId });
        const image = await withDeadline(waiting.done, processingTimeoutMs, signal, imageId);
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

function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  id: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`image ${id} was not processed within ${Math.round(ms / 1000)} s`)),
      ms,
    );
    const onAbort = () => reject(new AbortedError('upload aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}
