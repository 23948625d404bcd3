/**
 * Orders one client's view of its images by `Image.sequence` (issue 19): the pipeline numbers every
 * event of an image, terminal ones included, and delivery is at-least-once and may reorder (the
 * parallel steps publish independently). The gate remembers the last sequence delivered per image:
 * an event at or below it is a repeat or older than what the client already shows, and is dropped;
 * one more than a step above it means events were missed, so the caller reads the image. Images
 * stored before sequences existed carry none: their terminal announcements fall back to the
 * announcement's dedupe key. Remembers the most recent `capacity` images, so it never grows without bound.
 */
import { repeatFilter } from './repeat-filter.ts';

export interface SequencedImage {
  id: string;
  status: string;
  sequence?: number | null;
  processedAt?: string | null;
}

/** new: deliver it; gap: deliver it, events before it were missed; stale: a repeat or older, drop it. */
export type GateVerdict = 'new' | 'gap' | 'stale';

export interface SequenceGate {
  check(image: SequencedImage): GateVerdict;
  /** The last sequence delivered for an image, if any. */
  last(id: string): number | undefined;
}

export function sequenceGate(capacity = 1000): SequenceGate {
  const lastById = new Map<string, number>();
  const isFirstUnsequenced = repeatFilter(capacity);
  return {
    check(image) {
      const sequence = image.sequence;
      if (typeof sequence !== 'number') {
        // No order known: an image from before sequences, or a read of one; repeats still drop.
        return lastById.has(image.id) || !isFirstUnsequenced(image) ? 'stale' : 'new';
      }
      const previous = lastById.get(image.id);
      if (previous !== undefined && sequence <= previous) return 'stale';
      // Re-inserted, so the Map's insertion order is recency order and the oldest goes first.
      lastById.delete(image.id);
      lastById.set(image.id, sequence);
      if (lastById.size > capacity) lastById.delete(lastById.keys().next().value as string);
      return previous !== undefined && sequence > previous + 1 ? 'gap' : 'new';
    },
    last: (id) => lastById.get(id),
  };
}
