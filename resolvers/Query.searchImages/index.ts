// searchImages: check the filter → find the matching ids (label index) or images (table / status
// index) newest first → read the images → keep those every given field matches. Filtering after the
// read keeps page boundaries where DynamoDB put them: a page may be short and still have a token.
import { type Context, util } from '@aws-appsync/utils';
import { isExpiredPending } from '../../contracts/image-item.ts';
import { labelTerm, maxLabelLength } from '../../contracts/label-index.ts';
import { limits } from '../../contracts/names.ts';
import type { ImageSearchInput, QuerySearchImagesArgs } from '../../generated/schema.ts';
import { callerSub } from '../shared/identity.ts';
import type { ImageItem } from '../shared/image.ts';

function invalid(message: string): never {
  return util.error(message, 'ValidationError');
}

export function request(ctx: Context<QuerySearchImagesArgs>): Record<string, never> {
  callerSub(ctx);
  const filter = ctx.args.filter;
  const limit = ctx.args.limit ?? limits.listDefaultLimit;
  if (limit < 1 || limit > limits.listMaxLimit) {
    invalid(`limit: must be between 1 and ${limits.listMaxLimit}`);
  }
  if (filter.label !== undefined && filter.label !== null) {
    const length = labelTerm(filter.label).length;
    if (length === 0) {
      invalid('filter.label: must not be empty');
    }
    if (length > maxLabelLength) {
      invalid(`filter.label: must be at most ${maxLabelLength} characters`);
    }
  }
  if (filter.from && filter.to) {
    const from = util.time.parseISO8601ToEpochMilliSeconds(filter.from);
    const to = util.time.parseISO8601ToEpochMilliSeconds(filter.to);
    if (from > to) {
      invalid('filter.from: must not be after filter.to');
    }
  }
  return {};
}

function matches(item: ImageItem, filter: ImageSearchInput, nowSeconds: number): boolean {
  if (isExpiredPending(item, nowSeconds)) return false;
  if (filter.status && item.status !== filter.status) return false;
  if (filter.hasFaces !== undefined && filter.hasFaces !== null) {
    // Faces are a finding of the analysis: an image not analysed (pending, processing, failed) has none either way.
    if (!item.analysis) return false;
    const faces = (item.analysis.faceCount ?? 0) > 0;
    if (faces !== filter.hasFaces) return false;
  }
  const created = util.time.parseISO8601ToEpochMilliSeconds(item.createdAt);
  if (filter.from && created < util.time.parseISO8601ToEpochMilliSeconds(filter.from)) return false;
  if (filter.to && created > util.time.parseISO8601ToEpochMilliSeconds(filter.to)) return false;
  return true;
}

export function response(ctx: Context<QuerySearchImagesArgs>) {
  const read = ctx.prev.result as { images: ImageItem[] };
  const now = util.time.nowEpochSeconds();
  const items: ImageItem[] = [];
  for (const item of read.images) {
    if (matches(item, ctx.args.filter, now)) {
      items.push(item);
    }
  }
  return { items, nextToken: ctx.stash.nextToken ?? null };
}
