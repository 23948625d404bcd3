// The caller's Cognito sub: every owner-scoped key is built from it, never from an argument.
import { type Context, util } from '@aws-appsync/utils';

export function callerSub(ctx: Context): string {
  const identity = ctx.identity as { sub?: string } | null | undefined;
  const sub = identity?.sub;
  if (!sub) {
    util.unauthorized();
  }
  return sub;
}
