// Writes the PENDING_UPLOAD item (ULID id, 24 h TTL) that the upload's S3 event will find, in one
// transaction with the caller's quotas: today's ticket count goes up only if it is under
// imagesPerDay, and the declared size must fit under bytesLimit. Two concurrent requests for the
// last slot cannot both pass: DynamoDB serialises transactions on the day item.
import { type Context, util } from '@aws-appsync/utils';
import { statusAttributes } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import {
  type QuotaName,
  quotaExceededMessage,
  quotas,
  transactionConflictErrorType,
  usageAttributes,
  usageDayExpiry,
  usageDayKey,
  usageTotalKey,
  utcDay,
} from '../../contracts/usage.ts';
import type { RequestUploadInput } from '../../generated/schema.ts';
import { callerSub } from '../shared/identity.ts';
import type { ImageItem } from '../shared/image.ts';

/** The transaction's items, in this order: cancellation reasons are matched by index. */
const quotaOfItem: Array<QuotaName | null> = ['imagesPerDay', 'bytesLimit', null];

export function request(ctx: Context) {
  const owner = callerSub(ctx);
  const input = ctx.prev.result as RequestUploadInput;
  const nowMs = util.time.nowEpochMilliSeconds();
  const nowSeconds = util.time.epochMilliSecondsToSeconds(nowMs);
  const now = util.time.epochMilliSecondsToISO8601(nowMs);
  const key = { owner, id: util.autoUlid() };
  const item = {
    ...key,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.size,
    ...statusAttributes(owner, 'PENDING_UPLOAD', nowSeconds),
    createdAt: now,
    updatedAt: now,
    thumbnails: [],
  };
  ctx.stash.image = item;
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      {
        table: names.table,
        operation: 'UpdateItem',
        key: util.dynamodb.toMapValues(usageDayKey(owner, utcDay(now))),
        update: {
          expression: 'SET #expires = if_not_exists(#expires, :expires) ADD #images :one',
          expressionNames: { '#expires': 'expiresAtEpoch', '#images': usageAttributes.images },
          expressionValues: util.dynamodb.toMapValues({ ':expires': usageDayExpiry(nowSeconds), ':one': 1 }),
        },
        condition: {
          expression: 'attribute_not_exists(#images) OR #images < :limit',
          expressionNames: { '#images': usageAttributes.images },
          expressionValues: util.dynamodb.toMapValues({ ':limit': quotas.imagesPerDay }),
        },
      },
      {
        table: names.table,
        operation: 'ConditionCheck',
        key: util.dynamodb.toMapValues(usageTotalKey(owner)),
        condition: {
          expression: 'attribute_not_exists(#bytes) OR #bytes <= :room',
          expressionNames: { '#bytes': usageAttributes.bytesStored },
          expressionValues: util.dynamodb.toMapValues({ ':room': quotas.bytesLimit - input.size }),
        },
      },
      {
        table: names.table,
        operation: 'PutItem',
        key: util.dynamodb.toMapValues(key),
        attributeValues: util.dynamodb.toMapValues({
          fileName: item.fileName,
          contentType: item.contentType,
          size: item.size,
          // Read by save-result: the photo's GPS location is stored only when this is true.
          keepLocation: input.keepLocation === true,
          ...statusAttributes(owner, 'PENDING_UPLOAD', nowSeconds),
          createdAt: now,
          updatedAt: now,
          thumbnails: [],
        }),
        condition: { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } },
      },
    ],
  };
}

interface CancellationReason {
  type: string;
  message?: string | null;
}

export function response(ctx: Context): ImageItem {
  if (ctx.error) {
    const reasons = (ctx.result as { cancellationReasons?: CancellationReason[] | null } | null)
      ?.cancellationReasons;
    let index = 0;
    let conflict = false;
    for (const reason of reasons ?? []) {
      const quota = quotaOfItem[index];
      if (quota && reason.type === 'ConditionalCheckFailed') {
        util.error(quotaExceededMessage(quota), 'QuotaExceeded');
      }
      conflict = conflict || reason.type === 'TransactionConflict';
      index = index + 1;
    }
    if (conflict) {
      // Another of the caller's requests held the usage items (a folder dropped at once): nothing
      // was written, and the same request succeeds when sent again (the SDK does).
      util.error(
        'requestUpload: another request of yours was counting your uploads at the same moment; send it again',
        transactionConflictErrorType,
      );
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.stash.image as ImageItem;
}
