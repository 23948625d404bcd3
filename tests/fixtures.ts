/** The CC0 photographs every test and benchmark uses: ../shared/fixtures/photos beside the checkout. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const photosDir = path.resolve(import.meta.dirname, '../../shared/fixtures/photos');

/** The path of one fixture photo (`astronaut.png`, `chelsea.png`, `coffee.png`). */
export function photo(name: string): string {
  return path.join(photosDir, name);
}

/** JPEG copies of fixture photos (`astronaut`, …, no extension) written to `folder`, as a camera gives them; their paths. */
export function jpegCopies(names: readonly string[], folder: string): Promise<string[]> {
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(folder, `${name}.jpg`);
      await writeFile(
        file,
        await sharp(photo(`${name}.png`))
          .flatten({ background: '#fff' })
          .jpeg()
          .toBuffer(),
      );
      return file;
    }),
  );
}
