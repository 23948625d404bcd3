/**
 * Local vision figures: model-load time and median milliseconds per image (faces + objects +
 * moderation in one look), on the fixture photos and a 2-megapixel composite. Prints, never asserts.
 * Run: npx tsx bench/vision.bench.ts
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { loadModels } from '../local/vision/models.ts';

const photos = path.resolve(import.meta.dirname, '../../shared/fixtures/photos');
const rounds = Number(process.env.ROUNDS ?? 7);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const models = await loadModels();
console.log(`model load (human + nsfwjs, wasm, incl. warm-up): ${models.loadMs} ms`);

const images: [string, Buffer][] = [];
for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png']) {
  images.push([name, await readFile(path.join(photos, name))]);
}
const astronaut = await sharp(images[0]![1]).resize(866, 866).toBuffer();
const composite = await sharp({ create: { width: 1732, height: 1155, channels: 3, background: '#fff' } })
  .composite([
    { input: astronaut, left: 0, top: 0 },
    { input: astronaut, left: 866, top: 0 },
  ])
  .jpeg({ quality: 85 })
  .toBuffer();
images.push(['composite 2 MP jpeg', composite]);

for (const [name, bytes] of images) {
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await models.detect(bytes);
    times.push(performance.now() - started);
  }
  console.log(`${name.padEnd(22)} median ${median(times).toFixed(0)} ms/image over ${rounds} rounds`);
}
process.exit(0);
