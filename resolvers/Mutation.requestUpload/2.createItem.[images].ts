// Writes the PENDING_UPLOAD item (ULID id, 24 h TTL) that the upload's S3 event will find.
import { type Context, util } from '@aws-appsync/utils';
import { put } from '@aws-appsync/utils/dynamodb';
import { statusAttributes } from '../../contracts/image-item.ts';
import type { RequestUploadInput } from '../../generated/schema.ts';
import { raiseDataSourceError } from '../shared/errors.ts';
import { callerSub } from '../shared/identity.ts';
import type { ImageItem } from '../shared/image.ts';

export function request(ctx: Context) {
  const owner = callerSub(ctx);
  const input = ctx.prev.result as RequestUploadInput;
  const nowMs = util.time.nowEpochMilliSeconds();
  const now = util.time.epochMilliSecondsToISO8601(nowMs);
  return put<ImageItem>({
    key: { owner, id: util.autoUlid() },
    item: {
      fileName: input.fileName,
      contentType: input.contentType,
      size: input.size,
      ...statusAttributes(owner, 'PENDING_UPLOAD', util.time.epochMilliSecondsToSeconds(nowMs)),
      createdAt: now,
      updatedAt: now,
      thumbnails: [],
    },
    condition: { id: { attributeExists: false } },
  });
}

export function response(ctx: Context): ImageItem {
  raiseDataSourceError(ctx);
  ctx.stash.image = ctx.result;
  return ctx.result as ImageItem;
}
