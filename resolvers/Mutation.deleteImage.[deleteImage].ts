// deleteImage: the delete-image function removes the S3 objects, then the caller's item.
import { type Context, type LambdaRequest, util } from '@aws-appsync/utils';
import type { MutationDeleteImageArgs } from '../generated/schema.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import { callerSub } from './shared/identity.ts';
import type { ImageItem } from './shared/image.ts';

export function request(ctx: Context<MutationDeleteImageArgs>): LambdaRequest {
  return { operation: 'Invoke', payload: { owner: callerSub(ctx), id: ctx.args.id } };
}

export function response(ctx: Context<MutationDeleteImageArgs>): ImageItem {
  raiseDataSourceError(ctx);
  const deleted = ctx.result as ImageItem | null;
  if (!deleted) {
    util.error(`image ${ctx.args.id} does not exist`, 'NotFound');
  }
  return deleted;
}
