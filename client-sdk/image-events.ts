/**
 * ONE `onImageProcessed` subscription shared by every upload of a client, routed by image id
 * (AppSync allows 100 subscriptions per connection; a batch upload must not need one each).
 * `ready()` resolves once AppSync has acknowledged it, so no POST can finish before we listen.
 * After a reconnect the pending images are read with getImage, so no event is lost.
 */
import type { ImageFieldsFragment } from './generated/operations.ts';

export type Image = ImageFieldsFragment;

export interface ImageEventSource {
  /** Starts the subscription; calls `onReady` on each (re)acknowledgement. Returns a stop function. */
  subscribe(handlers: {
    next(image: Image): void;
    error(error: unknown): void;
    onReady(kind: 'connected' | 'reconnected'): void;
  }): () => void;
  /** Reads one image (used after a reconnect). */
  getImage(id: string): Promise<Image | null>;
}

const TERMINAL = new Set(['COMPLETED', 'FLAGGED', 'FAILED', 'REJECTED']);

interface Waiter {
  resolve(image: Image): void;
  reject(error: unknown): void;
}

export class ImageEventRouter {
  private readonly waiters = new Map<string, Waiter>();
  private started?: Promise<void>;
  private stop?: () => void;

  constructor(private readonly source: ImageEventSource) {}

  /** Resolves when the shared subscription is acknowledged (starting it on first use). */
  ready(): Promise<void> {
    this.started ??= new Promise<void>((resolve, reject) => {
      this.stop = this.source.subscribe({
        next: (image) => this.deliver(image),
        error: (error) => {
          reject(error);
          for (const waiter of this.waiters.values()) waiter.reject(error);
          this.waiters.clear();
          this.started = undefined;
        },
        onReady: (kind) => {
          resolve();
          if (kind === 'reconnected') void this.catchUp();
        },
      });
    });
    return this.started;
  }

  /** Waits for the image to reach a terminal status. Register BEFORE the upload is sent. */
  waitFor(id: string): { done: Promise<Image>; cancel(): void } {
    let waiter!: Waiter;
    const done = new Promise<Image>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    this.waiters.set(id, waiter);
    return { done, cancel: () => this.waiters.delete(id) };
  }

  close(): void {
    this.stop?.();
    this.stop = undefined;
    this.started = undefined;
  }

  private deliver(image: Image): void {
    if (!TERMINAL.has(image.status)) return;
    const waiter = this.waiters.get(image.id);
    if (!waiter) return;
    this.waiters.delete(image.id);
    waiter.resolve(image);
  }

  /** Events published while the socket was down are gone: read the pending images instead. */
  private async catchUp(): Promise<void> {
    await Promise.all(
      [...this.waiters.keys()].map(async (id) => {
        const image = await this.source.getImage(id).catch(() => null);
        if (image) this.deliver(image);
      }),
    );
  }
}
