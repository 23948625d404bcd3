// The pipeline's publish mutations return the stored item, so subscribers receive the image as the
// pipeline left it (publishImageProcessed at the end, publishImageProgress at each milestone).
import type { Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import { raiseDataSourceError } from './errors.ts';
import type { ImageItem } from './image.ts';

export function getStoredImage(key: { owner: string; id: string }) {
  // Strongly consistent: the pipeline wrote the item just before it publishes, and an eventually
  // consistent read could hand subscribers an older state than the one announced.
  return get<ImageItem>({ key: { owner: key.owner, id: key.id }, consistentRead: true });
}

/** The stored item, or null when it is gone (nothing reaches subscribers then). */
export function storedImageResult(ctx: Context): ImageItem | null {
  raiseDataSourceError(ctx);
  return (ctx.result as ImageItem | null) ?? null;
}
