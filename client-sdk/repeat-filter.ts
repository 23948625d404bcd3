/**
 * Drops repeated announcements. The pipeline announces every terminal state at least once, so a
 * subscriber may receive the same one twice (a retried publish, the sweeper or a restart announcing
 * an image whose record was lost); the dedupe key (contracts/announcement.ts) names one
 * announcement, so a repeat is recognised and dropped. Remembers the most recent `capacity` keys:
 * repeats arrive close together, and a subscription must not grow without bound.
 */
import { announcementDedupeKey } from '../contracts/announcement.ts';

export function repeatFilter(
  capacity = 1000,
): (image: { id: string; status: string; processedAt?: string | null }) => boolean {
  const seen = new Set<string>();
  return (image) => {
    const key = announcementDedupeKey(image);
    if (seen.has(key)) return false;
    seen.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (seen.size > capacity) seen.delete(seen.values().next().value as string);
    return true;
  };
}
