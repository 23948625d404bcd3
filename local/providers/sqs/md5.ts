/**
 * The digests SQS answers with: MD5OfMessageBody, and MD5OfMessageAttributes computed over AWS's
 * length-prefixed encoding of the attributes (what the SDKs check against what they sent).
 */
import { createHash } from 'node:crypto';

/** A message attribute as the JSON protocol carries it (`BinaryValue` base64). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
}

/**
 * AWS's algorithm: attributes sorted by name; for each, the name, the data type, a transport byte
 * (1 = string, 2 = binary) and the value, every field prefixed with its 4-byte big-endian length.
 * Undefined when there are no attributes (SQS then omits the field).
 */
export function md5OfMessageAttributes(
  attributes: Record<string, MessageAttributeValue>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name] as MessageAttributeValue;
    const parts = [
      ...lengthPrefixed(Buffer.from(name, 'utf8')),
      ...lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')),
    ];
    if (attribute.BinaryValue !== undefined && attribute.StringValue === undefined) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64')));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
    for (const part of parts) hash.update(part);
  }
  return hash.digest('hex');
}
