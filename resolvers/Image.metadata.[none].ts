// Image.metadata: the photo's EXIF facts for everyone who may read the image, but its location
// only for the owner. Moderators and the pipeline's IAM publish (whose selection subscribers
// receive) never see gps: a field resolver is the one place every read of an Image passes.
import type { Context } from '@aws-appsync/utils';
import type { PhotoMetadata } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';

export function request(): { payload: null } {
  return { payload: null };
}

export function response(ctx: Context): PhotoMetadata | null {
  const image = ctx.source as ImageItem & { metadata?: PhotoMetadata | null };
  const metadata = image.metadata;
  if (!metadata) {
    return null;
  }
  const identity = ctx.identity as { sub?: string } | null | undefined;
  const isOwner = identity?.sub !== undefined && identity.sub === image.owner;
  return { ...metadata, gps: isOwner ? (metadata.gps ?? null) : null };
}
