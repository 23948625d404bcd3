/**
 * One error class per failure. An error's `name` IS the code the pipeline records: Step Functions
 * reports a Lambda error's name as `Error`, and mark-failed stores it as `error.code`.
 */
export abstract class DarkroomError extends Error {
  abstract override readonly name: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Not an image, or a format the prebuilt sharp cannot decode (HEIC). */
export class UnsupportedImageError extends DarkroomError {
  override readonly name = 'UnsupportedImage';
}

/** Over the pixel or side limits. */
export class ImageTooLargeError extends DarkroomError {
  override readonly name = 'ImageTooLarge';
}

/** An image whose bytes cannot be decoded (truncated, damaged). */
export class CorruptImageError extends DarkroomError {
  override readonly name = 'CorruptImage';
}

/** The image (item or object) does not exist. */
export class NotFoundError extends DarkroomError {
  override readonly name = 'NotFound';
}

/** AppSync refused or failed the publish call (HTTP error, or a 200 whose body has `errors`). */
export class PublishFailedError extends DarkroomError {
  override readonly name = 'PublishFailed';
}

/** The pipeline did not finish within its timeout (set by the sweeper). */
export class TimeoutError extends DarkroomError {
  override readonly name = 'Timeout';
}

/** An event that does not match the function's contract; the message names the field and the rule. */
export class ValidationError extends DarkroomError {
  override readonly name = 'ValidationError';
}

/** S3 refused to delete some of an image's object versions (DeleteObjects lists them in `Errors`). */
export class PurgeFailedError extends DarkroomError {
  override readonly name = 'PurgeFailed';
}

/**
 * A pipeline step finished after its execution lost the image's lease (timed out, cancelled, the
 * image FAILED or claimed again); it removed what it wrote. A platform error: never retried in
 * place, since a retry would lose the lease again.
 */
export class LeaseLostError extends DarkroomError {
  override readonly name = 'LeaseLost';
}
