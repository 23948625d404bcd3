/**
 * A `data` message as the pieces of one WebSocket text frame (RFC 6455 §5.2, server → client, so
 * unmasked): [frame header, `{"type":"data","id":…,"payload":`, the payload + `}`]. Written with
 * the socket corked, the pieces leave in one writev, as a frame's header and data do from ws
 * itself. None of them is built per recipient: the payload is serialized once per event, the
 * middle piece once per subscription (it holds only its id), and the header once per event and
 * middle-piece length (ids of one kind share it). A fan-out to thousands therefore allocates and
 * copies nothing per subscriber: a copy per subscriber was a fresh 5 KB buffer each, and later
 * the id's JSON encoded into a fresh header each, most of what the fan-out cost beyond the socket
 * writes themselves.
 */

const FIN_TEXT = 0x81;

/** One event's payload, serialized once for every recipient. */
export interface SharedPayload {
  /** The payload's size in bytes (AppSync's 240 KB limit applies to it). */
  readonly bytes: number;
  /** The payload and the message's closing brace: every recipient's frame ends with these bytes. */
  readonly tail: Buffer;
  /** Frame headers of this event by the length of the piece before the payload. */
  readonly headers: Map<number, Buffer>;
}

export function sharedPayload(json: string): SharedPayload {
  const tail = Buffer.from(`${json}}`);
  return { bytes: tail.length - 1, tail, headers: new Map() };
}

/** `{"type":"data","id":<id>,"payload":`: what precedes the payload in every frame of one subscription. */
export function dataFrameHead(id: string): Buffer {
  return Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`);
}

/** The header of an unmasked, unfragmented text frame of `length` payload bytes: 7-, 16- or 64-bit length. */
function textFrameHeader(length: number): Buffer {
  if (length <= 125) return Buffer.from([FIN_TEXT, length]);
  if (length <= 0xffff) {
    const header = Buffer.alloc(4);
    header[0] = FIN_TEXT;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = FIN_TEXT;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * One subscription's frame of an event, as pieces: the shared header, its own `head`
 * (dataFrameHead) and the shared payload. The pieces are never written to, so sockets still
 * holding them from an earlier event (a slow reader's queue) see the bytes they were given.
 */
export function dataFrame(head: Buffer, payload: SharedPayload): readonly Buffer[] {
  let header = payload.headers.get(head.length);
  if (!header) {
    header = textFrameHeader(head.length + payload.tail.length);
    payload.headers.set(head.length, header);
  }
  return [header, head, payload.tail];
}
