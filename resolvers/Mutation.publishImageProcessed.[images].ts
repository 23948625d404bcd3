// publishImageProcessed (IAM, the pipeline only): returns the stored item, so that
// onImageProcessed subscribers receive it as the pipeline left it.
import type { Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import type { MutationPublishImageProcessedArgs } from '../generated/schema.ts';
import { raiseDataSourceError } from './shared/errors.ts';
import type { ImageItem } from './shared/image.ts';

export function request(ctx: Context<MutationPublishImageProcessedArgs>) {
  // Strongly consistent: save-result or mark-failed wrote the item just before the pipeline publishes,
  // and an eventually consistent read could hand subscribers the image still PROCESSING.
  return get<ImageItem>({ key: { owner: ctx.args.owner, id: ctx.args.id }, consistentRead: true });
}

export function response(ctx: Context): ImageItem | null {
  raiseDataSourceError(ctx);
  return (ctx.result as ImageItem | null) ?? null;
}
