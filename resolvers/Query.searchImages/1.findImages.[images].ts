// One page, newest first, never a Scan: the label index's partition for a label, else GSI
// byOwnerStatus for a status, else the caller's own partition. A date range is a key range on the
// ULID id, one second wider on each side (the id and createdAt are read from the clock apart);
// the exact range is checked on createdAt afterwards.
import { type Context, util } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { ownerStatusKey } from '../../contracts/image-item.ts';
import { labelPartition, labelTerm, ulidRange } from '../../contracts/label-index.ts';
import { limits, names } from '../../contracts/names.ts';
import type { QuerySearchImagesArgs } from '../../generated/schema.ts';
import { callerSub } from '../shared/identity.ts';
import type { ImageItem } from '../shared/image.ts';

/** The widest ULID range: every id there is. */
const earliestMs = 0;
const latestMs = 281474976710655;

function idRange(ctx: Context<QuerySearchImagesArgs>) {
  const filter = ctx.args.filter;
  if (!filter.from && !filter.to) {
    return undefined;
  }
  const from = filter.from ? util.time.parseISO8601ToEpochMilliSeconds(filter.from) - 1000 : earliestMs;
  const to = filter.to ? util.time.parseISO8601ToEpochMilliSeconds(filter.to) + 1000 : latestMs;
  const range = ulidRange(from, to);
  return { between: [range.from, range.to] as [string, string] };
}

export function request(ctx: Context<QuerySearchImagesArgs>) {
  const owner = callerSub(ctx);
  const filter = ctx.args.filter;
  const page = {
    limit: ctx.args.limit ?? limits.listDefaultLimit,
    nextToken: ctx.args.nextToken,
    scanIndexForward: false,
  };
  const id = idRange(ctx);
  if (filter.label) {
    const partition = labelPartition(owner, labelTerm(filter.label));
    return query<ImageItem>({
      ...page,
      query: id ? { owner: { eq: partition }, id } : { owner: { eq: partition } },
    });
  }
  if (filter.status) {
    const ownerStatus = ownerStatusKey(owner, filter.status);
    return query<ImageItem>({
      ...page,
      index: names.indexes.byOwnerStatus,
      query: id ? { ownerStatus: { eq: ownerStatus }, id } : { ownerStatus: { eq: ownerStatus } },
    });
  }
  return query<ImageItem>({ ...page, query: id ? { owner: { eq: owner }, id } : { owner: { eq: owner } } });
}

export function response(ctx: Context<QuerySearchImagesArgs>) {
  if (ctx.error) {
    // DynamoDB answers a forged or truncated token with an error that names it.
    if (typeof ctx.args.nextToken === 'string' && ctx.error.message.toLowerCase().includes('token')) {
      util.error('nextToken: malformed pagination token', 'ValidationError');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  const page = ctx.result as { items: ImageItem[]; nextToken?: string | null };
  ctx.stash.nextToken = page.nextToken ?? null;
  if (!ctx.args.filter.label) {
    return { images: page.items };
  }
  // Label index items name the image; the image itself is read next, under the caller's key.
  const owner = callerSub(ctx);
  const keys: Array<{ owner: string; id: string }> = [];
  for (const item of page.items) {
    keys.push({ owner, id: item.id });
  }
  return { keys };
}
