/** Today's uploads and the stored bytes against the caller's quotas (myUsage). */
import type { Usage } from '../../client-sdk/index.ts';

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function UsageMeter({ usage }: { usage: Usage | undefined }) {
  if (!usage) return null;
  return (
    <section className="usage" aria-label="Usage">
      <span>
        {usage.imagesToday} of {usage.imagesPerDay} uploads today
      </span>
      <meter min={0} max={usage.bytesLimit} value={usage.bytesStored} />
      <span>
        {gigabytes(usage.bytesStored)} of {gigabytes(usage.bytesLimit)} stored
      </span>
    </section>
  );
}
