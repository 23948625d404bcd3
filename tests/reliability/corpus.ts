/**
 * The bad-file corpus: files of many kinds, each with the content type a client would declare and
 * the terminal outcome the pipeline owes it (COMPLETED, or FAILED with the code naming the cause).
 */
import sharp from 'sharp';
import { photo } from '../fixtures.ts';

export interface CorpusFile {
  kind: string;
  contentType: string;
  bytes: Buffer;
  /** `COMPLETED` or `FAILED:<code>`. */
  expected: string;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid PNG whose header claims another size (a pixel bomb: the data stays tiny). */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** A JPEG whose SOF0 header claims another size. */
function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i += 1) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF marker');
}

const half = (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2));
const text = (value: string) => Buffer.from(value, 'utf8');

function flat(width: number, height: number, channels: 3 | 4 = 3) {
  return sharp({
    create: { width, height, channels, background: { r: 200, g: 120, b: 40, alpha: 0.5 } },
  });
}

export async function buildCorpus(): Promise<CorpusFile[]> {
  const source = sharp(photo('chelsea.png')).resize(320, 240);
  const jpeg = await source.clone().jpeg({ quality: 80 }).toBuffer();
  const png = await source.clone().png().toBuffer();
  const webp = await source.clone().webp().toBuffer();
  const gif = await source.clone().gif().toBuffer();
  const tiff = await source.clone().tiff().toBuffer();
  const avif = await source.clone().resize(64, 48).avif({ effort: 0 }).toBuffer();
  const tinyPng = await flat(1, 1).png().toBuffer();
  const tinyJpeg = await flat(16, 16).jpeg().toBuffer();
  const animated = await sharp(
    Buffer.concat([await flat(32, 32).raw().toBuffer(), await flat(32, 32, 3).negate().raw().toBuffer()]),
    { raw: { width: 32, height: 64, channels: 3 } },
  )
    .gif()
    .toBuffer();

  const completed = 'COMPLETED';
  const unsupported = 'FAILED:UnsupportedImage';
  const corrupt = 'FAILED:CorruptImage';
  const tooLarge = 'FAILED:ImageTooLarge';
  return [
    // Valid images of every supported format and shape: each must complete.
    { kind: 'JPEG', contentType: 'image/jpeg', bytes: jpeg, expected: completed },
    { kind: 'PNG', contentType: 'image/png', bytes: png, expected: completed },
    { kind: 'WebP', contentType: 'image/webp', bytes: webp, expected: completed },
    { kind: 'GIF', contentType: 'image/gif', bytes: gif, expected: completed },
    { kind: 'TIFF', contentType: 'image/tiff', bytes: tiff, expected: completed },
    { kind: 'AVIF', contentType: 'image/avif', bytes: avif, expected: completed },
    {
      kind: 'progressive JPEG',
      contentType: 'image/jpeg',
      bytes: await source.clone().jpeg({ progressive: true }).toBuffer(),
      expected: completed,
    },
    {
      kind: 'grayscale JPEG',
      contentType: 'image/jpeg',
      bytes: await source.clone().grayscale().jpeg().toBuffer(),
      expected: completed,
    },
    {
      kind: 'CMYK JPEG',
      contentType: 'image/jpeg',
      bytes: await source.clone().toColourspace('cmyk').jpeg().toBuffer(),
      expected: completed,
    },
    {
      kind: 'JPEG with EXIF orientation 6',
      contentType: 'image/jpeg',
      bytes: await source.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
      expected: completed,
    },
    {
      kind: 'PNG with alpha',
      contentType: 'image/png',
      bytes: await flat(200, 100, 4).png().toBuffer(),
      expected: completed,
    },
    {
      kind: '16-bit PNG',
      contentType: 'image/png',
      bytes: await source.clone().toColourspace('rgb16').png().toBuffer(),
      expected: completed,
    },
    {
      kind: 'palette PNG',
      contentType: 'image/png',
      bytes: await source.clone().png({ palette: true, colours: 4 }).toBuffer(),
      expected: completed,
    },
    { kind: 'two-tone GIF', contentType: 'image/gif', bytes: animated, expected: completed },
    { kind: '1×1 PNG', contentType: 'image/png', bytes: tinyPng, expected: completed },
    {
      kind: '1000×1 PNG',
      contentType: 'image/png',
      bytes: await flat(1000, 1).png().toBuffer(),
      expected: completed,
    },
    {
      kind: '1×1000 PNG',
      contentType: 'image/png',
      bytes: await flat(1, 1000).png().toBuffer(),
      expected: completed,
    },
    {
      kind: '12000×8 PNG',
      contentType: 'image/png',
      bytes: await flat(12000, 8).png().toBuffer(),
      expected: completed,
    },
    {
      kind: '8×12000 JPEG',
      contentType: 'image/jpeg',
      bytes: await flat(8, 12000).jpeg().toBuffer(),
      expected: completed,
    },
    // Not images at all, or formats the pipeline does not decode.
    {
      kind: 'plain text',
      contentType: 'image/jpeg',
      bytes: text('hello, this is not a photo\n'),
      expected: unsupported,
    },
    {
      kind: 'HTML page',
      contentType: 'image/png',
      bytes: text('<!doctype html><html><body>hi</body></html>'),
      expected: unsupported,
    },
    { kind: 'JSON', contentType: 'image/webp', bytes: text('{"image": false}'), expected: unsupported },
    {
      kind: 'PDF',
      contentType: 'image/jpeg',
      bytes: text('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
      expected: unsupported,
    },
    {
      kind: 'ZIP archive',
      contentType: 'image/jpeg',
      bytes: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60, 1)]),
      expected: unsupported,
    },
    {
      kind: 'ELF executable',
      contentType: 'image/png',
      bytes: Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(120)]),
      expected: unsupported,
    },
    {
      kind: 'Windows executable',
      contentType: 'image/gif',
      bytes: Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(200, 0x90)]),
      expected: unsupported,
    },
    {
      kind: 'random bytes',
      contentType: 'image/jpeg',
      bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)),
      expected: unsupported,
    },
    { kind: 'all zero bytes', contentType: 'image/png', bytes: Buffer.alloc(2048), expected: unsupported },
    { kind: 'one byte', contentType: 'image/jpeg', bytes: Buffer.from([0xff]), expected: unsupported },
    {
      // HEIC is decoded now: a HEIC brand with no image in it is a damaged HEIC.
      kind: 'HEIC brand, no image',
      contentType: 'image/jpeg',
      bytes: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), text('ftypheic'), Buffer.alloc(16)]),
      expected: corrupt,
    },
    {
      kind: 'SVG',
      contentType: 'image/png',
      bytes: text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      ),
      expected: unsupported,
    },
    {
      kind: 'BMP',
      contentType: 'image/png',
      bytes: Buffer.concat([text('BM'), Buffer.alloc(64)]),
      expected: unsupported,
    },
    {
      kind: 'gzip stream',
      contentType: 'image/webp',
      bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), Buffer.alloc(40, 7)]),
      expected: unsupported,
    },
    // The right signature, broken data.
    { kind: 'truncated JPEG', contentType: 'image/jpeg', bytes: half(jpeg), expected: corrupt },
    { kind: 'truncated PNG', contentType: 'image/png', bytes: half(png), expected: corrupt },
    { kind: 'truncated WebP', contentType: 'image/webp', bytes: half(webp), expected: corrupt },
    { kind: 'truncated TIFF', contentType: 'image/tiff', bytes: half(tiff), expected: corrupt },
    { kind: 'JPEG header only', contentType: 'image/jpeg', bytes: jpeg.subarray(0, 300), expected: corrupt },
    {
      kind: 'PNG signature then garbage',
      contentType: 'image/png',
      bytes: Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 0x41)]),
      expected: corrupt,
    },
    {
      kind: 'JPEG SOI then garbage',
      contentType: 'image/jpeg',
      bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(200, 0x41)]),
      expected: corrupt,
    },
    // Sizes past the limits (12,000 px a side, 40 megapixels), real or claimed by the header.
    {
      kind: '12001×1 PNG',
      contentType: 'image/png',
      bytes: await flat(12001, 1).png().toBuffer(),
      expected: tooLarge,
    },
    {
      kind: 'PNG claiming 65535×65535 (pixel bomb)',
      contentType: 'image/png',
      bytes: pngClaiming(tinyPng, 65535, 65535),
      expected: tooLarge,
    },
    {
      kind: 'PNG claiming 7000×7000 (49 MP)',
      contentType: 'image/png',
      bytes: pngClaiming(tinyPng, 7000, 7000),
      expected: tooLarge,
    },
    {
      kind: 'JPEG claiming 60000×60000',
      contentType: 'image/jpeg',
      bytes: jpegClaiming(tinyJpeg, 60000, 60000),
      expected: tooLarge,
    },
  ];
}
