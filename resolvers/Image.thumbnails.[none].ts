// Image.thumbnails: hands each thumbnail its image's status, which Thumbnail.url needs to decide
// whether to sign (a field resolver sees only its parent).
import type { Context } from '@aws-appsync/utils';
import type { Thumbnail } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';

export type ThumbnailWithStatus = Thumbnail & { imageStatus: ImageItem['status'] };

export function request(): { payload: null } {
  return { payload: null };
}

export function response(
  ctx: Context<Record<string, never>, Record<string, unknown>, undefined, ImageItem>,
): ThumbnailWithStatus[] {
  const image = ctx.source as ImageItem;
  const out: ThumbnailWithStatus[] = [];
  for (const thumbnail of image.thumbnails ?? []) {
    out.push({ ...thumbnail, imageStatus: image.status });
  }
  return out;
}
