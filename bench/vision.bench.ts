/**
 * Local vision figures: model-load time and median milliseconds per image (faces + objects +
 * moderation in one look), on the fixture photos and a 2-megapixel composite. Prints, never asserts.
 * Run: npx tsx bench/vision.bench.ts
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { loadModels } from '../local/vision/models.ts';
import { photo } from '../tests/fixtures.ts';
import { median } from './median.ts';

const rounds = Number(process.env.ROUNDS ?? 7);

const models = await loadModels();
console.log(`model load (human + nsfwjs, wasm, incl. warm-up): ${models.loadMs} ms`);

const images: [string, Buffer][] = [];
for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png']) {
  images.push([name, await readFile(photo(name))]);
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
