// Image.thumbnails: the image's renditions, each with its URL when the selection asks for `url`.
// One BatchInvoke item per image (AppSync gathers a page's images into one invocation) carrying
// the image's rendition keys and status; sign-urls answers a URL or null per key, in order
// (contracts/sign-urls.ts). Signing at the image, not per Thumbnail.url, is 1 resolver run per
// image instead of 7. Nothing is invoked when no URL is wanted or possible: `url` not selected,
// a status that is never signed (url null), or no renditions.
import { type Context, type LambdaRequest, runtime, util } from '@aws-appsync/utils';
import { signableStatuses } from '../contracts/image-item.ts';
import { type ThumbnailUrlsRequest, thumbnailFieldsWithoutUrl } from '../contracts/sign-urls.ts';
import type { Thumbnail } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';

type ImageContext = Context<Record<string, never>, Record<string, unknown>, undefined, ImageItem>;

/**
 * Whether the selection may ask for `url`. selectionSetList names an aliased field by its alias
 * only (`key: url` is listed as `key`), and a named fragment's fields are not in
 * selectionSetGraphQL's text: anything not plainly a stored field counts as asking.
 */
function selectsUrl(ctx: ImageContext): boolean {
  for (const field of ctx.info.selectionSetList) {
    if (!thumbnailFieldsWithoutUrl.includes(field)) return true;
  }
  const text = ctx.info.selectionSetGraphQL ?? '';
  return text.includes('url') || text.includes('...');
}

/** The stored renditions, each with its URL (or null), in the item's order. */
function withUrls(thumbnails: Thumbnail[], urls: Array<string | null> | null): Thumbnail[] {
  const out: Thumbnail[] = [];
  let index = 0;
  for (const thumbnail of thumbnails) {
    out.push({ ...thumbnail, url: urls ? (urls[index] ?? null) : null });
    index += 1;
  }
  return out;
}

export function request(ctx: ImageContext): LambdaRequest {
  const image = ctx.source as ImageItem;
  // Items stored before renditions existed have none.
  const thumbnails = image.thumbnails ?? [];
  if (thumbnails.length === 0 || !selectsUrl(ctx) || !signableStatuses.includes(image.status)) {
    runtime.earlyReturn(withUrls(thumbnails, null));
  }
  const keys: string[] = [];
  for (const thumbnail of thumbnails) keys.push(thumbnail.key);
  const payload: ThumbnailUrlsRequest = { keys, imageStatus: image.status };
  return { operation: 'BatchInvoke', payload };
}

export function response(ctx: ImageContext): Thumbnail[] {
  const image = ctx.source as ImageItem;
  const thumbnails = image.thumbnails ?? [];
  // thumbnails is non-null, and so is each image of a page: raising would null the whole page.
  // As when each url had its own resolver, a failed signing leaves the URLs null, with the error.
  if (ctx.error) {
    util.appendError(ctx.error.message, ctx.error.type);
    return withUrls(thumbnails, null);
  }
  return withUrls(thumbnails, (ctx.result as Array<string | null> | null) ?? []);
}
