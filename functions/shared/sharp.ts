/**
 * sharp as every image function uses it, with libvips' operation cache off. The cache keeps recent
 * operations (up to 100, 50 MB) for re-use, and a pipeline step never repeats one: every upload
 * has its own bytes (bench:thumbnails measures the step with the cache off too). Locally one libvips
 * serves every worker of the stack's process; 40 renditions of 2 MP photos, 2 at a time, peaked
 * 15–30 MB lower without it.
 */
import sharp from 'sharp';

sharp.cache(false);

export default sharp;
export type { Metadata, Sharp, SharpOptions } from 'sharp';
