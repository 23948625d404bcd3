// getImage: the caller's own item by id (the key's owner is the caller), or null.
import { type Context, util } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import { isExpiredPending } from '../contracts/image-item.ts';
import type { QueryGetImageArgs } from '../generated/schema.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import { callerSub } from './shared/identity.ts';
import type { ImageItem } from './shared/image.ts';

export function request(ctx: Context<QueryGetImageArgs>) {
  return get<ImageItem>({ key: { owner: callerSub(ctx), id: ctx.args.id } });
}

export function response(ctx: Context): ImageItem | null {
  raiseDataSourceError(ctx);
  const item = ctx.result as ImageItem | null;
  if (!item || isExpiredPending(item, util.time.nowEpochSeconds())) {
    return null;
  }
  return item;
}
