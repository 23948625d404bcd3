// Image.originalUrl (moderators only, by the field's directive): a short-lived GET of the
// quarantined original, so a moderator sees what they judge. sign-urls signs it only while the
// image is FLAGGED; owners keep the blurred renditions. Any other status answers null here,
// without invoking the function.
import { type Context, type LambdaRequest, runtime } from '@aws-appsync/utils';
import { keys } from '../contracts/names.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import type { ImageItem } from './shared/image.ts';
import { moderatorSub } from './shared/moderator.ts';

export function request(
  ctx: Context<Record<string, never>, Record<string, unknown>, undefined, ImageItem>,
): LambdaRequest {
  moderatorSub(ctx);
  const image = ctx.source as ImageItem;
  if (image.status !== 'FLAGGED') runtime.earlyReturn(null);
  return {
    operation: 'BatchInvoke',
    payload: {
      key: keys.quarantinedOriginal(image.owner, image.id),
      imageStatus: image.status,
      quarantined: true,
    },
  };
}

export function response(ctx: Context): string | null {
  raiseDataSourceError(ctx);
  return (ctx.result as string | null) ?? null;
}
