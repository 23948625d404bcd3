/** Turns sharp's failures into the pipeline's error codes (UnsupportedImage, ImageTooLarge, CorruptImage). */
import { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from './errors.ts';
import { supportedFormatsText } from './image-limits.ts';

/** sharp reports every failure as a plain Error: its message is all there is to go on. */
export function toImageError(error: unknown): Error {
  if (!(error instanceof Error))
    return new CorruptImageError(`the image could not be decoded: ${String(error)}`);
  if (error.name !== 'Error') return error; // already one of ours, or an AWS error
  const message = error.message;
  if (/unsupported image format/i.test(message)) {
    return new UnsupportedImageError(
      `the file is not an image in a supported format (${supportedFormatsText})`,
      {
        cause: error,
      },
    );
  }
  if (/exceeds pixel limit/i.test(message)) {
    return new ImageTooLargeError('the image has more pixels than the limit', { cause: error });
  }
  return new CorruptImageError(`the image could not be decoded: ${firstLine(message)}`, { cause: error });
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
