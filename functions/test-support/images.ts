/**
 * Test images made on the spot with sharp from the fixture photos, plus hand-made headers for the
 * cases no encoder would write (a pixel bomb, a HEIC brand). Shared by the image functions' tests.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

import { photo as fixturePhoto, photosDir } from '../../tests/fixtures.ts';

export { photosDir };
export const photoPath = (name: 'astronaut.png' | 'chelsea.png' | 'coffee.png') => fixturePhoto(name);

/** A real HEVC HEIF photograph (1280×854, landscape), as an iPhone writes them. */
export const heicFixture = fixturePhoto('example.heic');

/** A photograph (coffee.png, 600×400) resized to exactly width×height. */
export function photo(width: number, height: number): Sharp {
  return sharp(photoPath('coffee.png')).resize(width, height, { fit: 'fill' });
}

export async function jpeg(width: number, height: number): Promise<Buffer> {
  return photo(width, height).jpeg({ quality: 85 }).toBuffer();
}

/** A JPEG stored `storedWidth×storedHeight` whose EXIF orientation turns it for display. */
export async function orientedJpeg(
  storedWidth: number,
  storedHeight: number,
  orientation: number,
): Promise<Buffer> {
  return photo(storedWidth, storedHeight).jpeg().withMetadata({ orientation }).toBuffer();
}

/** A JPEG carrying EXIF with GPS coordinates and a camera model. */
export async function jpegWithGps(width: number, height: number): Promise<Buffer> {
  return photo(width, height)
    .jpeg()
    .withExif({
      IFD0: { Make: 'DarkroomCam', Model: 'Test 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .toBuffer();
}

export async function cmykJpeg(width: number, height: number): Promise<Buffer> {
  return photo(width, height).toColourspace('cmyk').jpeg().toBuffer();
}

/** A PNG whose left half is fully transparent red and right half the photo. */
export async function pngWithAlpha(width: number, height: number): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const transparentRed = await sharp({
    create: { width: half, height, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } },
  })
    .png()
    .toBuffer();
  return photo(width, height)
    .ensureAlpha()
    .composite([{ input: transparentRed, left: 0, top: 0, blend: 'source' }])
    .png()
    .toBuffer();
}

export async function png16(width: number, height: number): Promise<Buffer> {
  return photo(width, height).toColourspace('rgb16').png().toBuffer();
}

export async function webp(width: number, height: number): Promise<Buffer> {
  return photo(width, height).webp().toBuffer();
}

/** A two-frame animated GIF or WebP: a red frame, then a blue one. */
export async function animated(format: 'gif' | 'webp', width: number, height: number): Promise<Buffer> {
  const frame = (r: number, b: number) =>
    sharp({ create: { width, height, channels: 3, background: { r, g: 0, b } } })
      .png()
      .toBuffer();
  const joined = sharp([await frame(255, 0), await frame(0, 255)], { join: { animated: true } });
  return (
    format === 'gif' ? joined.gif({ delay: [100, 100] }) : joined.webp({ delay: [100, 100] })
  ).toBuffer();
}

export const animatedGif = (width: number, height: number) => animated('gif', width, height);

/** The first `fraction` of a JPEG's bytes, as an interrupted upload leaves it. */
export async function truncatedJpeg(width: number, height: number, fraction = 0.5): Promise<Buffer> {
  const whole = await jpeg(width, height);
  return whole.subarray(0, Math.floor(whole.length * fraction));
}

export const textFile = Buffer.from('This is a shopping list, not a photograph.\nmilk\neggs\n');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG that declares width×height RGB pixels but carries only a sliver of compressed data. */
export function pngPixelBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(width * 3 + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The opening of an iPhone photo: an ftyp box with the `heic` brand, then filler. */
export function heicLike(): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 24]),
    Buffer.from('ftypheic', 'latin1'),
    Buffer.alloc(4),
    Buffer.from('mif1heic', 'latin1'),
  ]);
  return Buffer.concat([ftyp, Buffer.alloc(512, 7)]);
}

/** Mean RGB of a region, from the decoded image. */
export async function meanColour(
  image: Buffer,
  region: { left: number; top: number; width: number; height: number },
): Promise<{ r: number; g: number; b: number }> {
  const stats = await sharp(image).extract(region).removeAlpha().stats();
  const [r, g, b] = stats.channels.map((channel) => channel.mean);
  return { r: r ?? Number.NaN, g: g ?? Number.NaN, b: b ?? Number.NaN };
}
