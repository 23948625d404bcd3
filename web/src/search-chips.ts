/** Which filter chips the gallery offers: the labels the loaded photos carry most, most first. */
import type { Image } from '../../client-sdk/index.ts';

export interface GalleryFilter {
  label?: string;
  hasFaces?: boolean;
}

/** The `max` label names (parents included) most photos carry, ties by name. */
export function chipLabels(images: readonly Image[], max = 8): string[] {
  const counts = new Map<string, number>();
  for (const image of images) {
    const names = new Set<string>();
    for (const label of image.analysis?.labels ?? []) {
      names.add(label.name);
      for (const parent of label.parents) names.add(parent);
    }
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
    .slice(0, max)
    .map(([name]) => name);
}

/** Whether any filter is on (the gallery then searches instead of listing). */
export function isFiltered(filter: GalleryFilter): boolean {
  return filter.label !== undefined || filter.hasFaces !== undefined;
}

/** An image arriving live belongs in a filtered gallery only if it matches (labels case-insensitively). */
export function matchesFilter(image: Image, filter: GalleryFilter): boolean {
  if (filter.hasFaces !== undefined && (image.analysis?.faceCount ?? 0) > 0 !== filter.hasFaces) return false;
  if (filter.label === undefined) return true;
  const wanted = filter.label.toLowerCase();
  return (image.analysis?.labels ?? []).some(
    (label) =>
      label.name.toLowerCase() === wanted || label.parents.some((parent) => parent.toLowerCase() === wanted),
  );
}
