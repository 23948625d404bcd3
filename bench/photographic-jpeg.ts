/** The camera-like JPEG every image benchmark uploads or renders, made from the fixture photos. */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { photo } from '../tests/fixtures.ts';

/** The three fixture photos side by side, with sensor-like noise, quality 90. */
export async function photographicJpeg(width: number, height: number): Promise<Buffer> {
  const tileWidth = Math.ceil(width / 3);
  const tiles = await Promise.all(
    ['astronaut.png', 'chelsea.png', 'coffee.png'].map((name, index) =>
      sharp(photo(name))
        .resize(tileWidth, height, { fit: 'cover' })
        .png()
        .toBuffer()
        .then((input) => ({ input, left: index * tileWidth, top: 0 })),
    ),
  );
  const base = await sharp({ create: { width: tileWidth * 3, height, channels: 3, background: '#000' } })
    .composite(tiles)
    .extract({ left: 0, top: 0, width, height })
    .raw()
    .toBuffer();
  // ±12 levels of per-pixel noise: flat upscaled tiles would compress unrealistically well.
  const noise = randomBytes(base.length);
  for (let i = 0; i < base.length; i += 1) {
    base[i] = Math.min(255, Math.max(0, (base[i] ?? 0) + ((noise[i] ?? 0) % 25) - 12));
  }
  return sharp(base, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
