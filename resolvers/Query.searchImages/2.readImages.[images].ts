// Reads the images a label page named, in the page's order (BatchGetItem answers in key order, null
// for an image deleted meanwhile). A status or plain page already holds the images: nothing to read.
import { type Context, runtime, util } from '@aws-appsync/utils';
import { names } from '../../contracts/names.ts';
import type { ImageItem } from '../shared/image.ts';

interface Found {
  images?: ImageItem[];
  keys?: Array<{ owner: string; id: string }>;
}

export function request(ctx: Context) {
  const found = ctx.prev.result as Found;
  if (found.images) {
    runtime.earlyReturn({ images: found.images });
  }
  const keys = found.keys ?? [];
  if (keys.length === 0) {
    runtime.earlyReturn({ images: [] });
  }
  const mapped = [];
  for (const key of keys) {
    mapped.push(util.dynamodb.toMapValues(key));
  }
  return { operation: 'BatchGetItem', tables: { [names.table]: { keys: mapped } } };
}

export function response(ctx: Context): { images: ImageItem[] } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const result = ctx.result as {
    data: Record<string, Array<ImageItem | null>>;
    unprocessedKeys: Record<string, unknown[]>;
  };
  if ((result.unprocessedKeys[names.table] ?? []).length > 0) {
    // Throttled mid-batch: an error the client retries beats a page that silently skips images.
    util.error(
      'searchImages: DynamoDB left keys unprocessed; retry',
      'DynamoDB:ProvisionedThroughputExceededException',
    );
  }
  const images: ImageItem[] = [];
  for (const image of result.data[names.table] ?? []) {
    if (image) {
      images.push(image);
    }
  }
  return { images };
}
