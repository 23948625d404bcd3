/** The content type of an upload: given, from the file, or sniffed from its first bytes. */

const signatures: [string, (b: Uint8Array) => boolean][] = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['image/gif', (b) => ascii(b, 0, 4) === 'GIF8'],
  ['image/webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['image/avif', (b) => ascii(b, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(b, 8, 12))],
  [
    'image/heic',
    (b) => ascii(b, 4, 8) === 'ftyp' && ['heic', 'heix', 'mif1', 'msf1'].includes(ascii(b, 8, 12)),
  ],
  ['image/tiff', (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*'],
];

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

export function sniffContentType(head: Uint8Array): string | undefined {
  return signatures.find(([, matches]) => matches(head))?.[0];
}

export async function contentTypeOf(body: Blob | Uint8Array, given?: string): Promise<string> {
  if (given) return given;
  if (body instanceof Blob && body.type) return body.type;
  const head =
    body instanceof Blob ? new Uint8Array(await body.slice(0, 16).arrayBuffer()) : body.subarray(0, 16);
  return sniffContentType(head) ?? 'application/octet-stream';
}
