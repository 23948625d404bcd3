// requestUpload: validate → create the PENDING_UPLOAD item → presign the POST; this before/after
// pair checks the caller and shapes the UploadTicket.
import type { Context } from '@aws-appsync/utils';
import type { UploadTicket } from '../../generated/schema.ts';
import { callerSub } from '../shared/identity.ts';

export function request(ctx: Context): Record<string, never> {
  callerSub(ctx);
  return {};
}

interface Presigned {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export function response(ctx: Context): UploadTicket {
  const presigned = ctx.prev.result as Presigned;
  return {
    image: ctx.stash.image,
    url: presigned.url,
    fields: JSON.stringify(presigned.fields),
    expiresAt: presigned.expiresAt,
  };
}
