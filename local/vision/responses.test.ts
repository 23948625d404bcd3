import { describe, expect, it } from 'vitest';
import type { Detections } from './detections.ts';
import {
  detectFacesResponse,
  detectLabelsResponse,
  detectModerationLabelsResponse,
  objectConfidence,
} from './responses.ts';

const detections = (overrides: Partial<Detections>): Detections => ({
  width: 600,
  height: 400,
  objects: [],
  faces: [],
  nsfw: [{ className: 'Neutral', probability: 0.99 }],
  ...overrides,
});

describe('detectLabelsResponse', () => {
  it('names COCO classes as Rekognition does, with parents listed as labels of their own', () => {
    const found = detections({ objects: [{ label: 'dog', score: 0.6, box: [0.1, 0.2, 0.3, 0.4] }] });

    const { Labels } = detectLabelsResponse(found, {});

    const dog = Labels.find((label) => label.Name === 'Dog');
    expect(dog?.Parents.map((p) => p.Name)).toEqual(['Animal', 'Canine', 'Mammal', 'Pet']);
    expect(dog?.Instances[0]?.BoundingBox).toEqual({ Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 });
    expect(Labels.map((label) => label.Name).sort()).toEqual(['Animal', 'Canine', 'Dog', 'Mammal', 'Pet']);
    expect(Labels.find((label) => label.Name === 'Animal')?.Instances).toEqual([]);
  });

  it('honours MinConfidence and MaxLabels, most confident first', () => {
    const found = detections({
      objects: [
        { label: 'cup', score: 0.55, box: [0, 0, 0.5, 0.5] },
        { label: 'person', score: 0.25, box: [0, 0, 1, 1] },
        { label: 'laptop', score: 0.6, box: [0.5, 0.5, 0.5, 0.5] },
      ],
    });

    const strict = detectLabelsResponse(found, { minConfidence: 70 });
    const capped = detectLabelsResponse(found, { maxLabels: 1 });

    expect(strict.Labels.map((l) => l.Name)).not.toContain('Person');
    expect(strict.Labels.map((l) => l.Name)).toContain('Cup');
    expect(capped.Labels).toHaveLength(1);
    expect(capped.Labels[0]?.Confidence).toBe(Math.max(...strict.Labels.map((l) => l.Confidence)));
  });

  it('groups instances of one class under one label', () => {
    const found = detections({
      objects: [
        { label: 'person', score: 0.5, box: [0, 0, 0.4, 1] },
        { label: 'person', score: 0.58, box: [0.5, 0, 0.4, 1] },
      ],
    });

    const person = detectLabelsResponse(found, {}).Labels.find((l) => l.Name === 'Person');

    expect(person?.Instances).toHaveLength(2);
    expect(person?.Confidence).toBe(objectConfidence(0.58));
  });
});

describe('detectFacesResponse', () => {
  it('drops weak detections and reports confidence in percent', () => {
    const found = detections({
      faces: [
        { score: 0.9, box: [0.3, 0.1, 0.2, 0.3] },
        { score: 0.34, box: [0.6, 0.1, 0.2, 0.3] },
      ],
    });

    const { FaceDetails } = detectFacesResponse(found);

    expect(FaceDetails).toEqual([
      { BoundingBox: { Left: 0.3, Top: 0.1, Width: 0.2, Height: 0.3 }, Confidence: 90 },
    ]);
  });
});

describe('detectModerationLabelsResponse', () => {
  it('maps explicit classes to the v7 taxonomy with both levels', () => {
    const found = detections({
      nsfw: [
        { className: 'Porn', probability: 0.8 },
        { className: 'Hentai', probability: 0.1 },
        { className: 'Neutral', probability: 0.1 },
      ],
    });

    const { ModerationLabels } = detectModerationLabelsResponse(found, { minConfidence: 60 });

    expect(ModerationLabels).toEqual([
      { Name: 'Explicit', ParentName: '', Confidence: 80, TaxonomyLevel: 1 },
      { Name: 'Explicit Nudity', ParentName: 'Explicit', Confidence: 80, TaxonomyLevel: 2 },
    ]);
  });

  it('finds nothing in a neutral photo', () => {
    expect(detectModerationLabelsResponse(detections({}), { minConfidence: 60 }).ModerationLabels).toEqual(
      [],
    );
  });
});
