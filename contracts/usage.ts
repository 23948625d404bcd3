/**
 * Per-user quotas and the usage items that count against them, defined once. The usage items live
 * in the Images table under their own partition key (`usage#<sub>`): under `owner` they would show
 * up in listImages, and they carry no index attribute, so no GSI sees them.
 * Resolvers bundle this module, so it stays APPSYNC_JS-safe (see contracts/image-item.ts).
 */

/** Default quotas of every user. */
export const quotas = {
  /**
   * Upload tickets per UTC day (counted by requestUpload, atomically with the item). Dropping a
   * folder of a few thousand photos is an ordinary day for a library; the cap stops abuse, not that.
   */
  imagesPerDay: 10_000,
  /** Bytes of stored originals (counted when the pipeline saves the result; deleteImage gives them back). */
  bytesLimit: 5 * 1024 * 1024 * 1024,
} as const;

export type QuotaName = keyof typeof quotas;

/** The attributes of the usage items. */
export const usageAttributes = {
  /** Day item: upload tickets issued that UTC day. */
  images: 'images',
  /** Total item: bytes of stored originals. */
  bytesStored: 'bytesStored',
  /** On the image item: the bytes its stored original counts in `bytesStored` (absent until saved). */
  usageBytes: 'usageBytes',
} as const;

/** The partition of one user's usage items. */
export function usagePartition(sub: string): string {
  return `usage#${sub}`;
}

/** The item that holds `bytesStored`. */
export function usageTotalKey(sub: string): { owner: string; id: string } {
  return { owner: usagePartition(sub), id: 'total' };
}

/** `YYYY-MM-DD` of a UTC ISO-8601 timestamp. */
export function utcDay(isoTimestamp: string): string {
  return isoTimestamp.substring(0, 10);
}

/** The item that counts one UTC day's upload tickets. */
export function usageDayKey(sub: string, day: string): { owner: string; id: string } {
  return { owner: usagePartition(sub), id: `day#${day}` };
}

/**
 * A day item expires (table TTL) a day after its day ends: only today's counts, and yesterday's
 * is kept a while for support questions.
 */
export function usageDayExpiry(nowEpochSeconds: number): number {
  const daySeconds = 24 * 60 * 60;
  return (Math.floor(nowEpochSeconds / daySeconds) + 2) * daySeconds;
}

/** The message of a QuotaExceeded error: it names the limit. */
export function quotaExceededMessage(quota: QuotaName): string {
  if (quota === 'imagesPerDay') {
    return `quota imagesPerDay exceeded: at most ${quotas.imagesPerDay} uploads per UTC day`;
  }
  return `quota bytesLimit exceeded: at most ${quotas.bytesLimit} bytes of stored images`;
}

/**
 * The errorType requestUpload answers when DynamoDB cancelled its transaction because another
 * transaction held the caller's usage items (cancellation reason `TransactionConflict`): nothing was
 * written and the request may be sent again as it is; the client SDK does, with a jittered backoff.
 */
export const transactionConflictErrorType = 'TransactionConflict';
