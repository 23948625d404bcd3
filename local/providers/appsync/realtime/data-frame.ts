/**
 * A `data` message as the two pieces of one WebSocket text frame (RFC 6455 §5.2, server → client,
 * so unmasked): [frame header + `{"type":"data","id":…,"payload":`, the payload + `}`]. Written
 * with the socket corked, the pieces leave in one writev, as a frame's header and data do from ws
 * itself. Neither is built per event and recipient: the payload is serialized once per event and
 * shared, the prefix kept by each subscription while payloads keep their length. A copy per
 * subscriber was a fresh 5 KB buffer each, and later the id's JSON encoded into a fresh prefix
 * each: most of what the fan-out cost beyond the socket writes themselves.
 */

const FIN_TEXT = 0x81;

/** One event's payload, serialized once for every recipient. */
export interface SharedPayload {
  /** The payload's size in bytes (AppSync's 240 KB limit applies to it). */
  readonly bytes: number;
  /** The payload and the message's closing brace: every recipient's frame ends with these bytes. */
  readonly tail: Buffer;
}

export function sharedPayload(json: string): SharedPayload {
  const tail = Buffer.from(`${json}}`);
  return { bytes: tail.length - 1, tail };
}

/**
 * Writes the header of an unmasked, unfragmented text frame of `length` payload bytes at 0 (a 7-,
 * 16- or 64-bit length); returns the header's size.
 */
function writeTextFrameHeader(target: Buffer, length: number): number {
  target[0] = FIN_TEXT;
  if (length <= 125) {
    target[1] = length;
    return 2;
  }
  if (length <= 0xffff) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
    return 4;
  }
  target[1] = 127;
  target.writeBigUInt64BE(BigInt(length), 2);
  return 10;
}

/** The size of that header. */
const headerBytes = (length: number) => (length <= 125 ? 2 : length <= 0xffff ? 4 : 10);

/**
 * What precedes the payload in every data frame of one subscription: the frame header and
 * `{"type":"data","id":<id>,"payload":`. The id's JSON is encoded once, at start; the whole prefix
 * is rebuilt only when a payload of another length comes, as a new buffer, so a slow reader's
 * queue still holding the last one keeps the bytes it was given.
 */
export class FramePrefix {
  private readonly head: Buffer;
  private bytes: Buffer | undefined;
  private tailLength = -1;

  constructor(id: string) {
    this.head = Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`);
  }

  for(payload: SharedPayload): Buffer {
    if (this.bytes && payload.tail.length === this.tailLength) return this.bytes;
    const length = this.head.length + payload.tail.length;
    const bytes = Buffer.allocUnsafe(headerBytes(length) + this.head.length);
    this.head.copy(bytes, writeTextFrameHeader(bytes, length));
    this.bytes = bytes;
    this.tailLength = payload.tail.length;
    return bytes;
  }
}

/** One subscription's frame of an event, as its two pieces: its prefix and the shared payload. */
export function dataFrame(prefix: FramePrefix, payload: SharedPayload): readonly Buffer[] {
  return [prefix.for(payload), payload.tail];
}
