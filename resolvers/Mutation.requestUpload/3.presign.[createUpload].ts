// Asks the create-upload function for a presigned POST bound to the new item's key and size.
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../shared/errors.ts';
import type { ImageItem } from '../shared/image.ts';

export function request(ctx: Context): LambdaRequest {
  const image = ctx.prev.result as ImageItem;
  return {
    operation: 'Invoke',
    payload: { owner: image.owner, id: image.id, contentType: image.contentType, size: image.size },
  };
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  return ctx.result;
}
