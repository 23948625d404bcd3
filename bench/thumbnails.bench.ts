/**
 * Thumbnails throughput: the thumbnails module (read once: the large rendition from the original,
 * medium and small derived from it) against the naive algorithm (one sharp pipeline per size, each
 * from the original), side by side, on generated 2 and 12 megapixel photographic JPEGs, with 2
 * concurrent workers (the machine's 2 cores). Prints images/min (median of rounds) and output bytes
 * per image; never asserts. Run: npm run bench:thumbnails (ROUNDS=n to change the round count).
 */
import sharp from 'sharp';
import { decodeOptions } from '../functions/shared/image-limits.ts';
import {
  jpegOptions,
  renderThumbnails,
  thumbnailSizes,
  webpOptions,
} from '../functions/thumbnails/renditions.ts';
import type { ThumbnailFormat } from '../generated/schema.ts';
import { median } from './median.ts';
import { photographicJpeg } from './photographic-jpeg.ts';

const rounds = Number(process.env.ROUNDS ?? 5);
const workers = 2;

// Every image in a round is the same buffer: libvips' operation cache would serve repeated
// decodes from memory, which no real stream of distinct uploads gets.
sharp.cache(false);

type Variant = (original: Buffer, formats: readonly ThumbnailFormat[]) => Promise<number>;

/** The module under test; returns the output bytes. */
const readOnce: Variant = async (original, formats) => {
  const renditions = await renderThumbnails(original, { formats });
  return renditions.reduce((sum, rendition) => sum + rendition.body.length, 0);
};

/** The naive algorithm: per size a pipeline from the original (clone() per format decodes again). */
const pipelinePerSize: Variant = async (original, formats) => {
  const outputs = await Promise.all(
    thumbnailSizes.flatMap((spec) => {
      const sized = sharp(original, decodeOptions)
        .autoOrient()
        .resize(spec.box, spec.box, { fit: 'inside', withoutEnlargement: true });
      return formats.map((format) =>
        format === 'JPEG'
          ? sized.clone().flatten({ background: '#ffffff' }).jpeg(jpegOptions).toBuffer()
          : sized.clone().webp(webpOptions).toBuffer(),
      );
    }),
  );
  return outputs.reduce((sum, output) => sum + output.length, 0);
};

/** One round: `count` images through `workers` concurrent loops; images/min and bytes per image. */
async function round(variant: Variant, original: Buffer, formats: readonly ThumbnailFormat[], count: number) {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        next += 1;
        bytes += await variant(original, formats);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return { perMinute: (count / elapsedMs) * 60_000, bytesPerImage: bytes / count };
}

const sizes = [
  { label: '2 MP (1732×1155)', width: 1732, height: 1155, perRound: 30 },
  { label: '12 MP (4240×2832)', width: 4240, height: 2832, perRound: 12 },
];
const modes: Array<{ label: string; formats: ThumbnailFormat[] }> = [
  { label: 'JPEG only (3 outputs)', formats: ['JPEG'] },
  { label: 'JPEG + WebP (6 outputs)', formats: ['JPEG', 'WEBP'] },
];

console.log(
  `thumbnails bench: ${workers} workers, ${rounds} rounds (+1 warm-up), sharp ${sharp.versions.sharp}, libvips concurrency ${sharp.concurrency()}`,
);
for (const size of sizes) {
  const original = await photographicJpeg(size.width, size.height);
  console.log(`\n${size.label}: original ${(original.length / 1024).toFixed(0)} KB`);
  for (const mode of modes) {
    const results = { readOnce: [] as number[], perSize: [] as number[] };
    const bytes = { readOnce: 0, perSize: 0 };
    for (let index = 0; index <= rounds; index += 1) {
      // Alternate the order so neither variant always runs on a warmer (or hotter) machine.
      const order = index % 2 === 0 ? (['readOnce', 'perSize'] as const) : (['perSize', 'readOnce'] as const);
      for (const name of order) {
        const outcome = await round(
          name === 'readOnce' ? readOnce : pipelinePerSize,
          original,
          mode.formats,
          size.perRound,
        );
        if (index === 0) continue; // warm-up
        results[name].push(outcome.perMinute);
        bytes[name] = outcome.bytesPerImage;
      }
    }
    const once = median(results.readOnce);
    const naive = median(results.perSize);
    console.log(`  ${mode.label}`);
    console.log(
      `    one pipeline per size: ${naive.toFixed(0).padStart(5)} images/min, ${(bytes.perSize / 1024).toFixed(1)} KB/image`,
    );
    console.log(
      `    read once (module):    ${once.toFixed(0).padStart(5)} images/min, ${(bytes.readOnce / 1024).toFixed(1)} KB/image`,
    );
    console.log(`    ratio read-once / per-size: ${(once / naive).toFixed(2)}×`);
  }
}
