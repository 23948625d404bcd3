/**
 * What the AppSync resolvers send the `signUrls` Lambda data source (BatchInvoke: the event is an
 * array of these, one per source object) and what it answers for each, in order. Resolvers bundle
 * this module, so it stays APPSYNC_JS-safe (docs/contracts.md, "AppSync resolvers").
 */
import type { ImageStatus } from '../generated/schema.ts';

/**
 * Thumbnail's fields other than `url` (and `__typename`): a selection of only these needs no
 * signing, so Image.thumbnails invokes nothing (contracts/sign-urls.test.ts holds it to the schema).
 */
export const thumbnailFieldsWithoutUrl: readonly string[] = [
  'size',
  'format',
  'width',
  'height',
  'contentType',
  'key',
  '__typename',
];

/** `Image.thumbnails`: one image's rendition keys, in the item's order → a URL or null per key. */
export interface ThumbnailUrlsRequest {
  keys: string[];
  imageStatus: ImageStatus;
}

/**
 * `Image.originalUrl` (moderators): one key → a URL or null. `quarantined: true` asks for a
 * FLAGGED image's quarantined original; without it the key is signed only as a rendition.
 */
export interface KeyUrlRequest {
  key: string;
  imageStatus: ImageStatus;
  quarantined?: boolean;
}

export type SignUrlsRequest = ThumbnailUrlsRequest | KeyUrlRequest;

/** The answer to one request: a list for a ThumbnailUrlsRequest, a single value for a KeyUrlRequest. */
export type SignUrlsAnswer = Array<string | null> | string | null;
