// Moderation (issue 20): the schema's `@aws_cognito_user_pools(cognito_groups: ["moderators"])`
// already refuses everyone else; the resolver checks the group again so that a schema edit that
// dropped the directive could not open the queue to every signed-in user.
import { type Context, util } from '@aws-appsync/utils';
import { names } from '../../contracts/names.ts';

/** The moderator's sub; Unauthorized for anyone outside the moderators group. */
export function moderatorSub(ctx: Context): string {
  const identity = ctx.identity as { sub?: string; groups?: string[] | null } | null | undefined;
  const sub = identity?.sub;
  const groups = identity?.groups ?? [];
  if (!sub || !groups.includes(names.moderatorsGroup)) {
    util.unauthorized();
  }
  return sub;
}
