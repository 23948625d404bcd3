// Thumbnail.url: batched (BatchInvoke) presigned GETs from sign-urls; null unless the image is
// COMPLETED or FLAGGED (sign-urls decides from imageStatus).
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { ThumbnailWithStatus } from './Image.thumbnails.[none].ts';
import { raiseDataSourceError } from './shared/errors.ts';

export function request(
  ctx: Context<Record<string, never>, Record<string, unknown>, undefined, ThumbnailWithStatus>,
): LambdaRequest {
  const thumbnail = ctx.source as ThumbnailWithStatus;
  return { operation: 'BatchInvoke', payload: { key: thumbnail.key, imageStatus: thumbnail.imageStatus } };
}

export function response(ctx: Context): string | null {
  raiseDataSourceError(ctx);
  return (ctx.result as string | null) ?? null;
}
