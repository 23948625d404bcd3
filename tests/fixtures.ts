/** The CC0 photographs every test and benchmark uses: ../shared/fixtures/photos beside the checkout. */
import path from 'node:path';

export const photosDir = path.resolve(import.meta.dirname, '../../shared/fixtures/photos');

/** The path of one fixture photo (`astronaut.png`, `chelsea.png`, `coffee.png`). */
export function photo(name: string): string {
  return path.join(photosDir, name);
}
