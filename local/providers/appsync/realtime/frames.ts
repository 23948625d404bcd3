/**
 * Reads client frames of the real-time protocol at the boundary: every frame is parsed and checked
 * here (zod) before the server looks at it, so `null`, arrays, wrong types or a `start` whose
 * `payload.data` is not a JSON GraphQL request become a refusal naming the cause, never a TypeError.
 */
import { z } from 'zod';

const authorization = z.record(z.string(), z.unknown());

const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connection_init'), payload: z.unknown().optional() }),
  z.object({
    type: z.literal('start'),
    id: z.string().min(1, 'start needs an id'),
    payload: z.object({
      data: z.string({ error: 'payload.data must be a JSON string' }),
      extensions: z.object({ authorization: authorization.optional() }).optional(),
    }),
  }),
  z.object({ type: z.literal('stop'), id: z.string().min(1, 'stop needs an id') }),
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type StartFrame = Extract<ClientFrame, { type: 'start' }>;

const subscriptionRequest = z.object({
  query: z.string({ error: 'query must be a string' }),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

export type SubscriptionRequest = z.infer<typeof subscriptionRequest>;

/** Why a frame was refused, with the id to route the `error` frame by when the frame had one. */
export interface FrameRefusal {
  ok: false;
  errorType: string;
  message: string;
  id?: string;
}

const knownTypes = new Set(['connection_init', 'start', 'stop']);

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** The id a malformed frame carried, if it was a string (AppSync routes errors by it). */
function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  return typeof value.id === 'string' && value.id ? value.id : undefined;
}

export function readClientFrame(raw: string): { ok: true; frame: ClientFrame } | FrameRefusal {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, errorType: 'BadRequestException', message: 'The frame is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, errorType: 'BadRequestException', message: 'A frame must be a JSON object.' };
  const id = idOf(value);
  const type = 'type' in value ? value.type : undefined;
  if (typeof type === 'string' && !knownTypes.has(type)) {
    return {
      ok: false,
      errorType: 'UnsupportedOperation',
      message: `Unknown message type ${type}`,
      ...(id ? { id } : {}),
    };
  }
  const parsed = clientFrame.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      errorType: 'BadRequestException',
      message: describe(parsed.error),
      ...(id ? { id } : {}),
    };
  return { ok: true, frame: parsed.data };
}

/** `payload.data` of a start: a JSON string of `{query, variables?, operationName?}`. */
export function readSubscriptionRequest(
  data: string,
): { ok: true; request: SubscriptionRequest } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, message: 'payload.data is not valid JSON' };
  }
  const parsed = subscriptionRequest.safeParse(value);
  if (!parsed.success) return { ok: false, message: `payload.data: ${describe(parsed.error)}` };
  return { ok: true, request: parsed.data };
}
