/** What the pipeline accepts as an image: the formats it decodes and the size limits. */
import type { SharpOptions } from 'sharp';
import { limits } from '../../contracts/names.ts';

export const imageLimits = {
  maxPixels: 40_000_000,
  maxSide: 12_000,
  maxBytes: limits.maxUploadBytes,
} as const;

/**
 * sharp's format names for what the pipeline decodes (AVIF is reported by sharp as `heif` + av1),
 * and `heic` for HEVC-coded HEIF, which libheif decodes (functions/shared/decode-heic.ts).
 */
export const decodableFormats = ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff', 'heic'] as const;
export type DecodableFormat = (typeof decodableFormats)[number];

export const supportedFormatsText = 'JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC';

/**
 * sharp input options for every decode: the pixel limit as a second guard behind inspect, and
 * failing on truncated data only — 'warning' (sharp's default) refuses many camera JPEGs that
 * carry harmless oddities such as extraneous bytes before a marker.
 */
export const decodeOptions = {
  limitInputPixels: imageLimits.maxPixels,
  failOn: 'truncated',
} as const satisfies SharpOptions;
