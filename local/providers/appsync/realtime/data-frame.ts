/**
 * A `data` message as the pieces of one WebSocket text frame (RFC 6455 §5.2, server → client, so
 * unmasked): [frame header + `{"type":"data","id":…,"payload":`, the payload, `}`]. The payload is
 * serialized once per event and shared by every recipient's frame: written with the socket corked,
 * the pieces leave in one writev, so a fan-out to thousands copies no payload bytes per subscriber
 * (a copy per subscriber was a fresh 5 KB buffer each, and most of the fan-out's cost beyond the
 * socket writes themselves).
 */

const FIN_TEXT = 0x81;
const closing = Buffer.from('}');

/** The frame header for an unmasked, unfragmented text frame of `length` payload bytes. */
export function textFrameHeader(length: number): Buffer {
  if (length <= 125) return Buffer.from([FIN_TEXT, length]);
  if (length <= 0xffff) {
    const header = Buffer.allocUnsafe(4);
    header[0] = FIN_TEXT;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = FIN_TEXT;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/** `{"type":"data","id":<id>,"payload":<payload>}` as one frame's pieces, the payload not copied. */
export function dataFrame(id: string, payload: Buffer): readonly Buffer[] {
  const head = Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`);
  const length = head.length + payload.length + closing.length;
  return [Buffer.concat([textFrameHeader(length), head]), payload, closing];
}
