/** What one look at an image finds, before it is put in Rekognition's words. */

/** Left, top, width, height as ratios of the (EXIF-oriented) image, clipped to 0..1. */
export type Box = readonly [left: number, top: number, width: number, height: number];

export interface Detections {
  width: number;
  height: number;
  /** COCO objects, score 0..1. */
  objects: { label: string; score: number; box: Box }[];
  /** Faces, score 0..1. */
  faces: { score: number; box: Box }[];
  /** nsfwjs class probabilities, 0..1. */
  nsfw: { className: string; probability: number }[];
}

/** Clips a normalised box to the image: detectors may reach past the edges. */
export function clipBox([left, top, width, height]: readonly number[]): Box {
  const x0 = Math.min(Math.max(left ?? 0, 0), 1);
  const y0 = Math.min(Math.max(top ?? 0, 0), 1);
  const x1 = Math.min(Math.max((left ?? 0) + (width ?? 0), 0), 1);
  const y1 = Math.min(Math.max((top ?? 0) + (height ?? 0), 0), 1);
  return [x0, y0, x1 - x0, y1 - y0];
}
