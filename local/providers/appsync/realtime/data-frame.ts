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

/** Bytes of the frame header before a payload of `length` bytes: 7-, 16- or 64-bit length. */
const headerBytes = (length: number) => (length <= 125 ? 2 : length <= 0xffff ? 4 : 10);

/** Writes the header of an unmasked, unfragmented text frame of `length` payload bytes at 0. */
function writeTextFrameHeader(target: Buffer, length: number): void {
  target[0] = FIN_TEXT;
  if (length <= 125) target[1] = length;
  else if (length <= 0xffff) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    target.writeBigUInt64BE(BigInt(length), 2);
  }
}

/** `{"type":"data","id":<id>,"payload":<payload>}` as one frame's pieces, the payload not copied. */
export function dataFrame(id: string, payload: Buffer): readonly Buffer[] {
  const head = `{"type":"data","id":${JSON.stringify(id)},"payload":`;
  const headLength = Buffer.byteLength(head);
  const length = headLength + payload.length + closing.length;
  const offset = headerBytes(length);
  // Small, so it comes from Node's buffer pool: one allocation per subscriber, header and head.
  const first = Buffer.allocUnsafe(offset + headLength);
  writeTextFrameHeader(first, length);
  first.write(head, offset);
  return [first, payload, closing];
}
