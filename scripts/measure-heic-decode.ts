/**
 * What a HEIC decode costs (README, Formats): time and memory per megapixel of libheif (WebAssembly)
 * on the fixture photograph. Time is the median of five decodes after a warm-up, so compiling the
 * WebAssembly is not counted (it is reported apart: a cold Lambda pays it once). Memory is the
 * growth of the resident set from before the first decode to after the last: WebAssembly memory
 * never shrinks, so this is the high-water mark libheif's planes and the RGBA output leave.
 * Run: `npx tsx scripts/measure-heic-decode.ts`.
 */
import { readFile } from 'node:fs/promises';
import { decodeHeic } from '../functions/shared/decode-heic.ts';
import { photo } from '../tests/fixtures.ts';

const bytes = await readFile(photo('example.heic'));
const rssBefore = process.memoryUsage().rss;
const coldStarted = performance.now();
const first = await decodeHeic(bytes);
const coldMs = performance.now() - coldStarted;
const megapixels = (first.raw.width * first.raw.height) / 1e6;

const times: number[] = [];
for (let run = 0; run < 5; run += 1) {
  const started = performance.now();
  await decodeHeic(bytes);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const medianMs = times[2] ?? 0;
const growthMb = (process.memoryUsage().rss - rssBefore) / 1e6;
console.log(
  JSON.stringify({
    image: `${first.raw.width}×${first.raw.height}`,
    megapixels: Number(megapixels.toFixed(2)),
    coldMs: Math.round(coldMs),
    medianMs: Math.round(medianMs),
    msPerMegapixel: Math.round(medianMs / megapixels),
    rssGrowthMb: Math.round(growthMb),
    mbPerMegapixel: Number((growthMb / megapixels).toFixed(1)),
  }),
);
