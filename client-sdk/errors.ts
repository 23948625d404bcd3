/** The typed errors of the client SDK: one class per way a call can fail, with AppSync's errorType kept. */

export class DarkroomError extends Error {
  override name = 'DarkroomError';
  constructor(
    message: string,
    readonly errorType?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The API refused the input; the message names the field and the rule. */
export class ValidationError extends DarkroomError {
  override name = 'ValidationError';
}

/** Not signed in, or not allowed. */
export class UnauthorizedError extends DarkroomError {
  override name = 'UnauthorizedError';
}

/** A per-user quota is used up; the message names it (imagesPerDay or bytesLimit). */
export class QuotaExceededError extends DarkroomError {
  override name = 'QuotaExceededError';
}

/** No such image for this user. */
export class NotFoundError extends DarkroomError {
  override name = 'NotFoundError';
}

/** S3 refused the upload (`code` is S3's error code, e.g. EntityTooLarge). */
export class UploadRejectedError extends DarkroomError {
  override name = 'UploadRejectedError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`upload rejected by S3 (${status} ${code}): ${message}`, code);
  }
}

/** The pipeline ended the image FAILED; `code` is the image's error code (e.g. UnsupportedImage). */
export class ProcessingFailedError extends DarkroomError {
  override name = 'ProcessingFailedError';
  constructor(
    readonly imageId: string,
    readonly error: { code: string; message: string },
  ) {
    super(`processing failed (${error.code}): ${error.message}`, error.code);
  }
}

/** No answer within the time allowed. */
export class TimeoutError extends DarkroomError {
  override name = 'TimeoutError';
}

/** The caller aborted (AbortSignal). */
export class AbortedError extends DarkroomError {
  override name = 'AbortedError';
}

interface GraphQLErrorLike {
  message?: string;
  errorType?: string | null;
}

/** Maps an aws-amplify GraphQL failure (a thrown `{errors}` result or an Error) to a typed error. */
export function toDarkroomError(thrown: unknown): DarkroomError {
  if (thrown instanceof DarkroomError) return thrown;
  const errors = (thrown as { errors?: GraphQLErrorLike[] } | undefined)?.errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const message = first?.message ?? (thrown instanceof Error ? thrown.message : String(thrown));
  const errorType = first?.errorType ?? (thrown instanceof Error ? thrown.name : undefined) ?? undefined;
  switch (errorType) {
    case 'ValidationError':
      return new ValidationError(message, errorType, { cause: thrown });
    case 'NotFound':
      return new NotFoundError(message, errorType, { cause: thrown });
    case 'QuotaExceeded':
      return new QuotaExceededError(message, errorType, { cause: thrown });
    case 'Unauthorized':
    case 'UnauthorizedException':
    case 'NoSignedUser':
    case 'NotAuthorizedException':
      return new UnauthorizedError(message, errorType, { cause: thrown });
    default:
      return new DarkroomError(message, errorType ?? undefined, { cause: thrown });
  }
}
