// onImageProcessed: terminal states only (publishImageProcessed), of the caller's own images.
import type { Context } from '@aws-appsync/utils';
import type { SubscriptionOnImageProcessedArgs } from '../generated/schema.ts';
import { callerSub } from './shared/identity.ts';
import { setOwnImagesFilter } from './shared/own-images-filter.ts';

export function request(ctx: Context): { payload: null } {
  callerSub(ctx);
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnImageProcessedArgs>): null {
  setOwnImagesFilter(ctx);
  return null;
}
