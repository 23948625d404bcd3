// onImageProcessed: ONE enhanced filter — the caller's own images, and one id when given (an
// enhanced filter replaces argument filtering, so the id must be inside it).
import { type Context, extensions, util } from '@aws-appsync/utils';
import type { SubscriptionOnImageProcessedArgs } from '../generated/schema.ts';
import { callerSub } from './shared/identity.ts';

export function request(ctx: Context): { payload: null } {
  callerSub(ctx);
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnImageProcessedArgs>): null {
  const filter: Record<string, { eq: string }> = { owner: { eq: callerSub(ctx) } };
  if (ctx.args.id) {
    filter.id = { eq: ctx.args.id };
  }
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
  return null;
}
