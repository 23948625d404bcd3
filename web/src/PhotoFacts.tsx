/** The detail view's photo metadata: camera, lens, exposure, when and (owner only) where. */
import type { Image } from '../../client-sdk/index.ts';

export function PhotoFacts({ metadata }: { metadata: Image['metadata'] }) {
  if (!metadata) return null;
  const rows: Array<[string, string]> = [];
  const camera = [metadata.cameraMake, metadata.cameraModel].filter(Boolean).join(' ');
  if (camera) rows.push(['Camera', camera]);
  if (metadata.lensModel) rows.push(['Lens', metadata.lensModel]);
  const exposure = [
    metadata.exposureTime ? exposureText(metadata.exposureTime) : null,
    metadata.fNumber ? `f/${metadata.fNumber}` : null,
    metadata.iso ? `ISO ${metadata.iso}` : null,
    metadata.focalLength ? `${metadata.focalLength} mm` : null,
  ].filter(Boolean);
  if (exposure.length > 0) rows.push(['Exposure', exposure.join(' · ')]);
  if (metadata.takenAt) rows.push(['Taken', new Date(metadata.takenAt).toLocaleString()]);
  if (metadata.gps) {
    rows.push(['Location', `${metadata.gps.latitude.toFixed(5)}, ${metadata.gps.longitude.toFixed(5)}`]);
  }
  if (rows.length === 0) return null;
  return (
    <>
      <h3>Photo</h3>
      <dl className="photo-facts" data-testid="photo-facts">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

/** 0.004 s reads as 1/250 s, as cameras show it; long exposures stay in seconds. */
function exposureText(seconds: number): string {
  return seconds < 1 ? `1/${Math.round(1 / seconds)} s` : `${seconds} s`;
}
