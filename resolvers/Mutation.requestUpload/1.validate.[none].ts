// Checks RequestUploadInput; each failure is a ValidationError naming the field and the rule.
import { type Context, util } from '@aws-appsync/utils';
import { limits, supportedContentTypes } from '../../contracts/names.ts';
import type { MutationRequestUploadArgs, RequestUploadInput } from '../../generated/schema.ts';

const supported: readonly string[] = supportedContentTypes;

function invalid(message: string): never {
  return util.error(message, 'ValidationError');
}

function checkFileName(fileName: string): void {
  if (fileName.length < 1 || fileName.length > limits.maxFileNameLength) {
    invalid(`input.fileName: must be 1 to ${limits.maxFileNameLength} characters`);
  }
  if (util.matches('[\\s\\S]*[\\x00-\\x1F\\x7F][\\s\\S]*', fileName)) {
    invalid('input.fileName: must not contain control characters');
  }
  if (fileName.includes('/') || fileName.includes('\\')) {
    invalid('input.fileName: must not contain path separators (/ or \\)');
  }
}

function checkContentType(contentType: string): void {
  if (supported.includes(contentType)) {
    return;
  }
  invalid(`input.contentType: must be one of ${supported.join(', ')}`);
}

function checkSize(size: number): void {
  if (size < 1 || size > limits.maxUploadBytes) {
    invalid(`input.size: must be between 1 and ${limits.maxUploadBytes} bytes`);
  }
}

export function request(ctx: Context<MutationRequestUploadArgs>): { payload: RequestUploadInput } {
  const input = ctx.args.input;
  checkFileName(input.fileName);
  checkContentType(input.contentType);
  checkSize(input.size);
  return { payload: input };
}

export function response(ctx: Context): RequestUploadInput {
  return ctx.result as RequestUploadInput;
}
