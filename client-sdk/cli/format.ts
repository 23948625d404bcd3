/** Plain-text renderings of images for the terminal: the upload summary table and `get`. */
import type { UploadReport } from '../client.ts';
import type { Image } from '../image-events.ts';

export interface UploadOutcome {
  file: string;
  image?: Image;
  error?: string;
}

function labelsOf(image: Image): string {
  return (image.analysis?.labels ?? [])
    .slice(0, 3)
    .map((label) => label.name)
    .join(', ');
}

/** Aligned columns: id, file, status, labels, faces, safe. */
export function uploadTable(outcomes: UploadOutcome[]): string {
  const rows = outcomes.map(({ file, image, error }) => [
    image?.id ?? '-',
    file,
    image?.status ?? 'FAILED',
    image ? labelsOf(image) || '-' : (error ?? ''),
    image?.analysis ? String(image.analysis.faceCount) : '-',
    image?.analysis ? (image.analysis.isSafe ? 'yes' : 'no') : '-',
  ]);
  return table(['ID', 'FILE', 'STATUS', 'LABELS', 'FACES', 'SAFE'], rows);
}

export function imageTable(images: Image[]): string {
  return table(
    ['ID', 'FILE', 'STATUS', 'SIZE', 'CREATED'],
    images.map((image) => [
      image.id,
      image.fileName,
      image.status,
      `${image.width ?? '?'}×${image.height ?? '?'}`,
      image.createdAt,
    ]),
  );
}

export function imageDetails(image: Image): string {
  const lines = [
    `id          ${image.id}`,
    `file        ${image.fileName} (${image.contentType}, ${image.size} bytes)`,
    `status      ${image.status}${image.error ? ` — ${image.error.code}: ${image.error.message}` : ''}`,
    `size        ${image.width ?? '?'}×${image.height ?? '?'} ${image.format ?? ''}`.trimEnd(),
    `created     ${image.createdAt}`,
  ];
  if (image.analysis) {
    const { labels, faceCount, moderationLabels, isSafe } = image.analysis;
    lines.push(`labels      ${labels.map((l) => `${l.name} ${l.confidence.toFixed(0)}%`).join(', ') || '-'}`);
    lines.push(`faces       ${faceCount}`);
    lines.push(`safe        ${isSafe ? 'yes' : `no (${moderationLabels.map((m) => m.name).join(', ')})`}`);
  }
  for (const thumbnail of image.thumbnails) {
    lines.push(
      `thumbnail   ${thumbnail.size.toLowerCase()} ${thumbnail.format.toLowerCase()} ${thumbnail.width}×${thumbnail.height} ${thumbnail.url ?? ''}`.trimEnd(),
    );
  }
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Bytes for people: 1.5 GB, 320 KB. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `darkroom usage`: today's uploads and the stored bytes against the quotas. */
export function usageLines(usage: {
  imagesToday: number;
  imagesPerDay: number;
  bytesStored: number;
  bytesLimit: number;
}): string {
  return [
    `uploads today  ${usage.imagesToday} of ${usage.imagesPerDay}`,
    `stored         ${humanBytes(usage.bytesStored)} of ${humanBytes(usage.bytesLimit)}`,
  ].join('\n');
}

/** The bar's share of the upload's bytes; the pipeline's four milestones fill the rest. */
const uploadShare = 40;
const milestoneCount = 4;

/**
 * One file's progress bar: the POST's bytes, then one step per milestone reached. THUMBNAILS_READY
 * and ANALYSED come in either order, so the bar counts milestones rather than placing stages, and
 * never moves back.
 */
export function uploadBar(): (report: UploadReport) => { value: number; phase: string } {
  const reached = new Set<string>();
  return (report) => {
    if (report.phase === 'uploading') {
      return {
        value: Math.round((report.loaded / Math.max(report.total, 1)) * uploadShare),
        phase: 'uploading',
      };
    }
    if (report.phase === 'requesting') return { value: 0, phase: 'requesting' };
    if (report.stage) reached.add(report.stage);
    const value = uploadShare + Math.round(((100 - uploadShare) * reached.size) / milestoneCount);
    return {
      value,
      phase: report.stage ? report.stage.toLowerCase().replace('_', ' ') : 'processing',
    };
  };
}
