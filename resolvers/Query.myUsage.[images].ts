// myUsage: the caller's usage items (today's ticket count and the stored bytes) in one Query of
// their own partition, with the quotas from contracts/usage.ts. Missing items count as zero.
import { type Context, util } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { quotas, usageDayKey, usagePartition, usageTotalKey, utcDay } from '../contracts/usage.ts';
import type { Usage } from '../generated/schema.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import { callerSub } from './shared/identity.ts';

interface UsageItem {
  owner: string;
  id: string;
  images?: number;
  bytesStored?: number;
}

export function request(ctx: Context) {
  // The partition holds the total and at most a few day items (they expire two days after).
  return query<UsageItem>({ query: { owner: { eq: usagePartition(callerSub(ctx)) } }, consistentRead: true });
}

export function response(ctx: Context): Usage {
  raiseDataSourceError(ctx);
  const owner = callerSub(ctx);
  const today = usageDayKey(owner, utcDay(util.time.nowISO8601())).id;
  const total = usageTotalKey(owner).id;
  const usage: Usage = {
    imagesToday: 0,
    imagesPerDay: quotas.imagesPerDay,
    bytesStored: 0,
    bytesLimit: quotas.bytesLimit,
  };
  for (const item of (ctx.result as { items: UsageItem[] }).items) {
    if (item.id === today) {
      usage.imagesToday = item.images ?? 0;
    }
    if (item.id === total) {
      usage.bytesStored = item.bytesStored ?? 0;
    }
  }
  return usage;
}
