// Thumbnail.url: batched (BatchInvoke) presigned GETs from sign-urls; null unless the image is
// COMPLETED or FLAGGED. sign-urls checks the status too; deciding here as well spares a Lambda
// invocation for every read or milestone publish of an image whose URLs would be null anyway.
import { type Context, type LambdaRequest, runtime } from '@aws-appsync/utils';
import { signableStatuses } from '../contracts/image-item.ts';
import type { ThumbnailWithStatus } from './Image.thumbnails.[none].ts';
import { raiseDataSourceError } from './shared/errors.ts';

export function request(
  ctx: Context<Record<string, never>, Record<string, unknown>, undefined, ThumbnailWithStatus>,
): LambdaRequest {
  const thumbnail = ctx.source as ThumbnailWithStatus;
  if (!signableStatuses.includes(thumbnail.imageStatus)) runtime.earlyReturn(null);
  return { operation: 'BatchInvoke', payload: { key: thumbnail.key, imageStatus: thumbnail.imageStatus } };
}

export function response(ctx: Context): string | null {
  raiseDataSourceError(ctx);
  return (ctx.result as string | null) ?? null;
}
