/**
 * Recognises HEIC/HEIF-with-HEVC files by their ISO-BMFF `ftyp` box, before sharp sees them: the
 * prebuilt sharp decodes AVIF but has no HEVC decoder, and its error for HEIC says nothing useful.
 */

/** Brands of HEVC-coded HEIF (ISO/IEC 23008-12 Annex B). */
const hevcBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const avifBrands = new Set(['avif', 'avis']);

/** The HEVC brand the file declares, or undefined when it is not a HEIC file. */
export function heicBrand(bytes: Buffer): string | undefined {
  if (bytes.length < 16 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length);
  const major = bytes.toString('latin1', 8, 12);
  if (hevcBrands.has(major)) return major;
  // A generic major brand (mif1, msf1) names the codec among the compatible brands.
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) {
    compatible.push(bytes.toString('latin1', offset, offset + 4));
  }
  if (compatible.some((brand) => avifBrands.has(brand))) return undefined;
  return compatible.find((brand) => hevcBrands.has(brand));
}
