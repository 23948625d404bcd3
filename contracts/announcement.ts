/**
 * Every terminal state is announced at least once (AppSync `onImageProcessed` and the SNS topic).
 * Exactly-once is impossible — a crash can fall between announcing and recording it — so each
 * announcement carries a dedupe key, and what was announced is recorded on the item.
 *
 * While an item is terminal but unannounced, its `statusKey` (the sparse byStatus index's key)
 * is `UNANNOUNCED`: the sweeper and local recovery find those with a Query, never a Scan. Recording
 * the announcement sets `publishedAt` and gives statusKey its lasting value: FLAGGED keeps
 * `FLAGGED` (moderation's view), every other status leaves the index.
 */
import type { ImageStatus } from '../generated/schema.ts';

export const unannouncedStatusKey = 'UNANNOUNCED';

/** The byStatus key an announced item keeps; undefined = none (the item leaves the sparse index). */
export function statusKeyAfterAnnouncement(status: ImageStatus): string | undefined {
  return status === 'FLAGGED' ? 'FLAGGED' : undefined;
}

/**
 * The same for every repeat of one announcement, different for the next terminal state of the
 * image: `processedAt` is written with each terminal status, so it is the announcement's revision.
 */
export function announcementDedupeKey(image: {
  id: string;
  status: string;
  processedAt?: string | null;
}): string {
  return `${image.id}#${image.status}#${image.processedAt ?? ''}`;
}

/** An unannounced item younger than this is left to its own execution by the sweeper. */
export const announcementGraceSeconds = 60;
