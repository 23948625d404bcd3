/**
 * Reads an AWS JSON-protocol request body at the boundary: valid JSON and an object, as every
 * operation's input is. Anything else is the caller's SerializationException, never a TypeError
 * further in.
 */
import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

export type JsonBody =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; code: 'SerializationException'; message: string };

/** An empty body is `{}`, as the SDKs send for operations without input. */
export function readJsonObject(body: Buffer): JsonBody {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, code: 'SerializationException', message: 'The request body is not valid JSON.' };
  }
  const checked = jsonObject.safeParse(value);
  if (!checked.success)
    return { ok: false, code: 'SerializationException', message: 'The request body must be a JSON object.' };
  return { ok: true, value: checked.data };
}
