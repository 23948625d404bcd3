// listImages: newest first (reverse ULID order) from the table, or from GSI byOwnerStatus when a
// status is given. No filter expression: pages keep their size; expired uploads are hidden here.
import { type Context, util } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { isExpiredPending, ownerStatusKey } from '../contracts/image-item.ts';
import { limits, names } from '../contracts/names.ts';
import type { QueryListImagesArgs } from '../generated/schema.ts';
import { callerSub } from './shared/identity.ts';
import type { ImageItem } from './shared/image.ts';

export function request(ctx: Context<QueryListImagesArgs>) {
  const owner = callerSub(ctx);
  const limit = ctx.args.limit ?? limits.listDefaultLimit;
  if (limit < 1 || limit > limits.listMaxLimit) {
    util.error(`limit: must be between 1 and ${limits.listMaxLimit}`, 'ValidationError');
  }
  const page = { limit, nextToken: ctx.args.nextToken, scanIndexForward: false };
  if (ctx.args.status) {
    return query<ImageItem>({
      ...page,
      index: names.indexes.byOwnerStatus,
      query: { ownerStatus: { eq: ownerStatusKey(owner, ctx.args.status) } },
    });
  }
  return query<ImageItem>({ ...page, query: { owner: { eq: owner } } });
}

export function response(ctx: Context<QueryListImagesArgs>) {
  if (ctx.error) {
    // DynamoDB answers a forged or truncated token with an error that names it.
    if (ctx.args.nextToken && ctx.error.message.toLowerCase().includes('token')) {
      util.error('nextToken: malformed pagination token', 'ValidationError');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  const page = ctx.result as { items: ImageItem[]; nextToken?: string | null };
  const now = util.time.nowEpochSeconds();
  const items: ImageItem[] = [];
  for (const item of page.items) {
    if (!isExpiredPending(item, now)) {
      items.push(item);
    }
  }
  return { items, nextToken: page.nextToken ?? null };
}
