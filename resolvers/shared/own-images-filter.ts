// The enhanced filter of every image subscription: ONE group — the caller's own images, and one id
// when given (an enhanced filter replaces argument filtering, so the id must be inside it).
import { type Context, extensions, util } from '@aws-appsync/utils';
import { callerSub } from './identity.ts';

export function setOwnImagesFilter(ctx: Context<{ id?: string | null }>): void {
  const filter: Record<string, { eq: string }> = { owner: { eq: callerSub(ctx) } };
  if (ctx.args.id) {
    filter.id = { eq: ctx.args.id };
  }
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));
}
