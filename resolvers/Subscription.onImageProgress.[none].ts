// onImageProgress: every milestone (publishImageProgress) and the terminal state
// (publishImageProcessed) of the caller's own images, filtered exactly like onImageProcessed.
import type { Context } from '@aws-appsync/utils';
import type { SubscriptionOnImageProgressArgs } from '../generated/schema.ts';
import { callerSub } from './shared/identity.ts';
import { setOwnImagesFilter } from './shared/own-images-filter.ts';

export function request(ctx: Context): { payload: null } {
  callerSub(ctx);
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnImageProgressArgs>): null {
  setOwnImagesFilter(ctx);
  return null;
}
