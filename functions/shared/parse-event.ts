/** Validates a Lambda event against the function's zod schema, failing with a ValidationError that names the field. */
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

export function parseEvent<S extends z.ZodType>(schema: S, event: unknown): z.output<S> {
  const result = schema.safeParse(event);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'event'}: ${issue.message}`)
      .join('; ');
    throw new ValidationError(`invalid event: ${details}`, { cause: result.error });
  }
  return result.data;
}
