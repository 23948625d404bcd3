import { describe, expect, it } from 'vitest';
import { imageErrorCodes } from '../../contracts/flow.ts';
import {
  CorruptImageError,
  ImageTooLargeError,
  NotFoundError,
  UnsupportedImageError,
  ValidationError,
} from './errors.ts';

describe('error taxonomy', () => {
  it('names every image error class exactly as contracts/flow.ts lists the terminal codes', () => {
    const names = [
      new UnsupportedImageError('x'),
      new ImageTooLargeError('x'),
      new CorruptImageError('x'),
      new NotFoundError('x'),
      new ValidationError('x'),
    ].map((error) => error.name);
    expect(names).toEqual([...imageErrorCodes]);
  });
});
