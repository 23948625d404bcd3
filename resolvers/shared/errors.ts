// Data-source errors arrive in ctx.error and do not abort by themselves: raise them.
import { type Context, util } from '@aws-appsync/utils';

export function raiseDataSourceError(ctx: Context): void {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
}
