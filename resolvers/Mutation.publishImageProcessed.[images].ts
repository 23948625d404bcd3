// publishImageProcessed (IAM, the pipeline only): returns the stored item, so that
// onImageProcessed and onImageProgress subscribers receive it as the pipeline left it.
import type { Context } from '@aws-appsync/utils';
import type { MutationPublishImageProcessedArgs } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';
import { getStoredImage, storedImageResult } from './shared/stored-image.ts';

export function request(ctx: Context<MutationPublishImageProcessedArgs>) {
  return getStoredImage(ctx.args);
}

export function response(ctx: Context): ImageItem | null {
  return storedImageResult(ctx);
}
