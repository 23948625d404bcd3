/**
 * DynamoDB's answer to a read as plain values, in one pass over its JSON. The SDK walks every
 * attribute value of every item against its schema (~0.5 ms for a page of 50 images) and the data
 * source then walked them all again to make plain values. A middleware just inside the SDK's
 * deserializer takes a successful answer's items (`Items`, `Item`, `Responses`) out of the JSON,
 * converts them straight from DynamoDB's wire format, and hands the deserializer the rest (keys,
 * counts, unprocessed keys), so everything else, errors included, is the SDK's as ever.
 */
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  HttpResponse,
  MiddlewareStack,
} from '@smithy/types';

export type PlainItem = Record<string, unknown>;

export interface PlainItems {
  /** Query and Scan. */
  items?: PlainItem[];
  /** GetItem, when there is such an item. */
  item?: PlainItem;
  /** BatchGetItem, by table. */
  responses?: Record<string, PlainItem[]>;
}

/**
 * Arranges for `command`'s successful answer to leave its items in the returned box (filled once
 * `send` resolves; empty if the answer never came through, e.g. an injected fault).
 */
export function takePlainItems(command: {
  // biome-ignore lint/suspicious/noExplicitAny: any command's stack
  middlewareStack: MiddlewareStack<any, any>;
}): PlainItems {
  const taken: PlainItems = {};
  command.middlewareStack.addRelativeTo(
    (next: DeserializeHandler<object, object>) => async (args: DeserializeHandlerArguments<object>) => {
      const out = await next(args);
      const response = out.response as HttpResponse;
      if (response.statusCode !== 200 || !response.body) return out;
      const body = JSON.parse((await bytesOf(response.body)).toString('utf8')) as Record<string, unknown>;
      if (Array.isArray(body.Items)) {
        taken.items = body.Items.map(plainMap);
        delete body.Items;
      }
      if (typeof body.Item === 'object' && body.Item !== null) {
        taken.item = plainMap(body.Item);
        delete body.Item;
      }
      if (typeof body.Responses === 'object' && body.Responses !== null) {
        const responses: Record<string, PlainItem[]> = {};
        for (const [table, items] of Object.entries(body.Responses))
          responses[table] = (items as unknown[]).map(plainMap);
        taken.responses = responses;
        delete body.Responses;
      }
      response.body = Buffer.from(JSON.stringify(body), 'utf8');
      return out;
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'darkroomPlainItems' },
  );
  return taken;
}

async function bytesOf(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A DynamoDB JSON attribute value → the plain value AppSync hands resolvers (sets as arrays, binaries base64). */
export function plainValue(value: unknown): unknown {
  const wire = value as Record<string, unknown>;
  if (wire.S !== undefined) return wire.S;
  if (wire.N !== undefined) return Number(wire.N);
  if (wire.BOOL !== undefined) return wire.BOOL;
  if (wire.NULL !== undefined) return null;
  if (wire.M !== undefined) return plainMap(wire.M);
  if (wire.L !== undefined) return (wire.L as unknown[]).map(plainValue);
  if (wire.SS !== undefined) return wire.SS;
  if (wire.NS !== undefined) return (wire.NS as string[]).map(Number);
  if (wire.B !== undefined) return wire.B;
  if (wire.BS !== undefined) return wire.BS;
  return null;
}

export function plainMap(value: unknown): PlainItem {
  const map = value as Record<string, unknown>;
  const plain: PlainItem = {};
  for (const key of Object.keys(map)) {
    // `__proto__` as an attribute name must stay an own property, not set the prototype.
    if (key === '__proto__')
      Object.defineProperty(plain, key, {
        value: plainValue(map[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else plain[key] = plainValue(map[key]);
  }
  return plain;
}
