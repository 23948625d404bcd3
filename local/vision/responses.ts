/**
 * Puts Detections in Rekognition's words: DetectLabels, DetectFaces and DetectModerationLabels
 * response bodies, honouring MaxLabels and MinConfidence as Rekognition does.
 */
import type { Box, Detections } from './detections.ts';
import { cocoToRekognition, nsfwToModeration } from './taxonomy.ts';

/**
 * Detector scores and Rekognition confidences are on different scales: centernet calls a clear
 * cup 0.45, Rekognition 95+. Map the detector's useful range (0.2 weak … 0.65 certain) linearly
 * onto 50…99 %, so callers' MinConfidence (70 in darkroom) means what it means with Rekognition.
 */
export function objectConfidence(score: number): number {
  const ratio = Math.min(Math.max((score - 0.2) / 0.45, 0), 1);
  return round(50 + ratio * 49);
}

/** Blazeface scores are already high for real faces; below this a "face" is mostly a cat. */
export const FACE_MIN_SCORE = 0.5;

const round = (value: number) => Math.round(value * 1000) / 1000;

const boundingBox = ([left, top, width, height]: Box) => ({
  Width: round(width),
  Height: round(height),
  Left: round(left),
  Top: round(top),
});

export interface LabelOptions {
  maxLabels?: number;
  minConfidence?: number;
}

interface RekognitionLabel {
  Name: string;
  Confidence: number;
  Instances: { BoundingBox: ReturnType<typeof boundingBox>; Confidence: number }[];
  Parents: { Name: string }[];
  Aliases: { Name: string }[];
  Categories: { Name: string }[];
}

export function detectLabelsResponse(
  found: Detections,
  { maxLabels = 1000, minConfidence = 55 }: LabelOptions,
) {
  const labels = new Map<string, RekognitionLabel>();
  const labelFor = (name: string, parents: readonly string[], category: string) => {
    let label = labels.get(name);
    if (!label) {
      label = {
        Name: name,
        Confidence: 0,
        Instances: [],
        Parents: parents.map((parent) => ({ Name: parent })),
        Aliases: [],
        Categories: [{ Name: category }],
      };
      labels.set(name, label);
    }
    return label;
  };
  for (const object of found.objects) {
    const taxonomy = cocoToRekognition[object.label];
    if (!taxonomy) continue;
    const confidence = objectConfidence(object.score);
    const label = labelFor(taxonomy.name, taxonomy.parents, taxonomy.category);
    label.Confidence = Math.max(label.Confidence, confidence);
    label.Instances.push({ BoundingBox: boundingBox(object.box), Confidence: confidence });
    // Rekognition lists a label's ancestors as labels of their own, without instances.
    for (const parent of taxonomy.parents) {
      const ancestor = labelFor(parent, [], taxonomy.category);
      ancestor.Confidence = Math.max(ancestor.Confidence, confidence);
    }
  }
  const Labels = [...labels.values()]
    .filter((label) => label.Confidence >= minConfidence)
    .sort((a, b) => b.Confidence - a.Confidence || a.Name.localeCompare(b.Name))
    .slice(0, maxLabels);
  return { Labels, LabelModelVersion: '3.0' };
}

export function detectFacesResponse(found: Detections) {
  const FaceDetails = found.faces
    .filter((face) => face.score >= FACE_MIN_SCORE)
    .sort((a, b) => b.score - a.score)
    .map((face) => ({ BoundingBox: boundingBox(face.box), Confidence: round(face.score * 100) }));
  return { FaceDetails };
}

export function detectModerationLabelsResponse(found: Detections, { minConfidence = 50 }: LabelOptions) {
  const byName = new Map<
    string,
    { Name: string; ParentName: string; Confidence: number; TaxonomyLevel: number }
  >();
  const raise = (Name: string, ParentName: string, TaxonomyLevel: number, Confidence: number) => {
    const current = byName.get(Name);
    if (!current || current.Confidence < Confidence)
      byName.set(Name, { Name, ParentName, Confidence, TaxonomyLevel });
  };
  for (const { className, probability } of found.nsfw) {
    const taxonomy = nsfwToModeration[className];
    const confidence = round(probability * 100);
    if (!taxonomy || confidence < minConfidence) continue;
    raise(taxonomy.parentName, '', 1, confidence);
    raise(taxonomy.name, taxonomy.parentName, 2, confidence);
  }
  const ModerationLabels = [...byName.values()].sort(
    (a, b) => a.TaxonomyLevel - b.TaxonomyLevel || b.Confidence - a.Confidence,
  );
  return { ModerationLabels, ModerationModelVersion: '7.0' };
}
