/**
 * ONE `onImageProgress` subscription routed by image id (AppSync allows 100 subscriptions per
 * connection; a batch upload must not need one each). Every event passes the sequence gate
 * (./sequence-gate.ts): repeats and events older than what was delivered are dropped, so each
 * image's events reach the caller in sequence order, at most once. After a reconnect, and after a
 * gap in an image's sequence, the followed images are read with getImage and their current state
 * goes through the same gate — never an older one. `ready()` resolves once AppSync has
 * acknowledged the subscription, so no POST can finish before we listen.
 */
import type { ImageFieldsFragment } from './generated/operations.ts';
import { sequenceGate } from './sequence-gate.ts';

export type Image = ImageFieldsFragment;

export interface ImageEventSource {
  /** Starts the subscription; calls `onReady` on each (re)acknowledgement. Returns a stop function. */
  subscribe(handlers: {
    next(image: Image): void;
    error(error: unknown): void;
    onReady(kind: 'connected' | 'reconnected'): void;
  }): () => void;
  /** Reads one image (after a reconnect or a gap). */
  getImage(id: string): Promise<Image | null>;
}

export interface ImageEventOptions {
  /** Every image's events, not only the waited-for ones (a public onImageProgress subscription). */
  onImage?(image: Image): void;
  /**
   * The one image a subscription by id follows: read at every (re)acknowledgement, so its current
   * state is delivered from the start (events before the ack are never sent) and after any
   * reconnect, even when no event of it had arrived before the socket dropped.
   */
  follow?: string;
}

const TERMINAL = new Set(['COMPLETED', 'FLAGGED', 'FAILED', 'REJECTED']);

export function isTerminal(image: Pick<Image, 'status'>): boolean {
  return TERMINAL.has(image.status);
}

interface Waiter {
  onEvent?(image: Image): void;
  resolve(image: Image): void;
  reject(error: unknown): void;
}

export class ImageEventRouter {
  private readonly waiters = new Map<string, Waiter>();
  /** Images seen still processing (with `onImage`): read again after a reconnect. */
  private readonly unfinished = new Set<string>();
  private readonly gate = sequenceGate();
  private started?: Promise<void>;
  private stop?: () => void;

  constructor(
    private readonly source: ImageEventSource,
    private readonly options: ImageEventOptions = {},
  ) {}

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
          else if (this.options.follow) void this.refresh(this.options.follow);
        },
      });
    });
    return this.started;
  }

  /**
   * Calls `onEvent` with each newer state of the image and resolves when it reaches a terminal
   * status. Register BEFORE the upload is sent.
   */
  waitFor(id: string, onEvent?: (image: Image) => void): { done: Promise<Image>; cancel(): void } {
    let waiter!: Waiter;
    const done = new Promise<Image>((resolve, reject) => {
      waiter = { onEvent, resolve, reject };
    });
    this.waiters.set(id, waiter);
    return { done, cancel: () => this.waiters.delete(id) };
  }

  close(): void {
    this.stop?.();
    this.stop = undefined;
    this.started = undefined;
  }

  /** Delivers an event or a read through the gate: only a newer state than the last one passes. */
  deliver(image: Image): void {
    const waiter = this.waiters.get(image.id);
    if (!waiter && !this.options.onImage) return;
    const verdict = this.gate.check(image);
    if (verdict === 'stale') return;
    if (isTerminal(image)) this.unfinished.delete(image.id);
    else if (this.options.onImage) this.unfinished.add(image.id);
    this.options.onImage?.(image);
    waiter?.onEvent?.(image);
    if (waiter && isTerminal(image)) {
      this.waiters.delete(image.id);
      waiter.resolve(image);
    }
    // Events between the last delivered one and this were missed: the stored state may be newer still.
    if (verdict === 'gap' && !isTerminal(image)) void this.refresh(image.id);
  }

  private async refresh(id: string): Promise<void> {
    const image = await this.source.getImage(id).catch(() => null);
    if (image) this.deliver(image);
  }

  /** Events published while the socket was down are gone: read the followed images instead. */
  private async catchUp(): Promise<void> {
    const followed = new Set([...this.waiters.keys(), ...this.unfinished]);
    if (this.options.follow) followed.add(this.options.follow);
    await Promise.all([...followed].map((id) => this.refresh(id)));
  }
}
