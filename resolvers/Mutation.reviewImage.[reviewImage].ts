// reviewImage (moderators only): the review-image function writes the decision conditionally on
// the image still being FLAGGED and undecided; the loser of two decisions gets NotReviewable.
import { type Context, type LambdaRequest, util } from '@aws-appsync/utils';
import { limits } from '../contracts/names.ts';
import type { MutationReviewImageArgs } from '../generated/schema.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import type { ImageItem } from './shared/image.ts';
import { moderatorSub } from './shared/moderator.ts';

type Outcome =
  | { outcome: 'decided'; image: ImageItem }
  | { outcome: 'notFound' }
  | { outcome: 'notReviewable'; status: string; decidedBy?: string };

export function request(ctx: Context<MutationReviewImageArgs>): LambdaRequest {
  const reviewer = moderatorSub(ctx);
  const note = ctx.args.note;
  if (note && note.length > limits.maxReviewNoteLength) {
    util.error(`note: must be at most ${limits.maxReviewNoteLength} characters`, 'ValidationError');
  }
  return {
    operation: 'Invoke',
    payload: {
      owner: ctx.args.owner,
      id: ctx.args.id,
      decision: ctx.args.decision,
      note: note ?? null,
      reviewer,
    },
  };
}

export function response(ctx: Context<MutationReviewImageArgs>): ImageItem {
  raiseDataSourceError(ctx);
  const result = ctx.result as Outcome;
  if (result.outcome === 'notFound') {
    util.error(`image ${ctx.args.id} of ${ctx.args.owner} does not exist`, 'NotFound');
  }
  if (result.outcome === 'notReviewable') {
    const by = result.decidedBy ? `, decided by ${result.decidedBy}` : '';
    util.error(`image ${ctx.args.id} is not awaiting review: it is ${result.status}${by}`, 'NotReviewable');
  }
  return result.image;
}
