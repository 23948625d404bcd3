// publishImageProgress (IAM, the pipeline only): a milestone. Returns the stored item — its stage
// and sequence included — so onImageProgress subscribers receive the image as it is now; a later
// milestone already written makes this one carry that state, never an older one.
import type { Context } from '@aws-appsync/utils';
import type { MutationPublishImageProgressArgs } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';
import { getStoredImage, storedImageResult } from './shared/stored-image.ts';

export function request(ctx: Context<MutationPublishImageProgressArgs>) {
  return getStoredImage(ctx.args);
}

export function response(ctx: Context): ImageItem | null {
  return storedImageResult(ctx);
}
