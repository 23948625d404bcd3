// listFlaggedImages (moderators only): every owner's FLAGGED images awaiting review, oldest first,
// from the sparse GSI byStatus (statusKey FLAGGED, sort key updatedAt). A decided image leaves the
// index with its statusKey, so a page never holds one. No filter: pages keep their size.
import { type Context, util } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { reviewableStatus } from '../contracts/image-item.ts';
import { limits, names } from '../contracts/names.ts';
import type { QueryListFlaggedImagesArgs } from '../generated/schema.ts';
import type { ImageItem } from './shared/image.ts';
import { moderatorSub } from './shared/moderator.ts';

export function request(ctx: Context<QueryListFlaggedImagesArgs>) {
  moderatorSub(ctx);
  const limit = ctx.args.limit ?? limits.listDefaultLimit;
  if (limit < 1 || limit > limits.listMaxLimit) {
    util.error(`limit: must be between 1 and ${limits.listMaxLimit}`, 'ValidationError');
  }
  return query<ImageItem>({
    index: names.indexes.byStatus,
    query: { statusKey: { eq: reviewableStatus } },
    limit,
    nextToken: ctx.args.nextToken,
    scanIndexForward: true,
  });
}

export function response(ctx: Context<QueryListFlaggedImagesArgs>) {
  if (ctx.error) {
    if (ctx.args.nextToken && ctx.error.message.toLowerCase().includes('token')) {
      util.error('nextToken: malformed pagination token', 'ValidationError');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  const page = ctx.result as { items: ImageItem[]; nextToken?: string | null };
  return { items: page.items, nextToken: page.nextToken ?? null };
}
