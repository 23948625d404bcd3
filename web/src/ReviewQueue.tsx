/**
 * The Review page (moderators only, issue 20): every owner's FLAGGED images, oldest first, each
 * with its quarantined original (a URL of minutes, for moderators only), what Rekognition saw, an
 * optional note, and Approve / Reject. A decision is final; whoever decides first wins.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DarkroomClient, FlaggedImage, ReviewDecision } from '../../client-sdk/index.ts';

const PAGE_SIZE = 20;

export function ReviewQueue({ client }: { client: DarkroomClient }) {
  const [items, setItems] = useState<FlaggedImage[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [deciding, setDeciding] = useState<string>();
  const [decided, setDecided] = useState<Array<{ id: string; line: string }>>([]);

  const load = useCallback(
    async (token: string | null) => {
      try {
        const page = await client.listFlaggedImages({ limit: PAGE_SIZE }, token);
        setItems((current) => (token ? [...current, ...page.items] : page.items));
        setNextToken(page.nextToken);
      } catch (thrown) {
        setError(thrown instanceof Error ? thrown.message : String(thrown));
      } finally {
        setLoaded(true);
      }
    },
    [client],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const decide = async (image: FlaggedImage, decision: ReviewDecision) => {
    setDeciding(image.id);
    setError(undefined);
    try {
      await client.reviewImage(image, decision, notes[image.id] || undefined);
      setDecided((current) => [
        { id: image.id, line: `${image.fileName}: ${decision === 'APPROVE' ? 'approved' : 'rejected'}` },
        ...current,
      ]);
    } catch (thrown) {
      // Another moderator may have decided first: the image leaves this queue either way.
      setError(thrown instanceof Error ? thrown.message : String(thrown));
    } finally {
      setDeciding(undefined);
      setItems((current) => current.filter((candidate) => candidate.id !== image.id));
    }
  };

  return (
    <section className="review" aria-labelledby="review-title">
      <h2 id="review-title">Review flagged images</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul aria-live="polite" className="decided">
        {decided.map(({ id, line }) => (
          <li key={id} data-testid="review-decided">
            {line}
          </li>
        ))}
      </ul>
      {loaded && items.length === 0 && <p>Nothing awaits review.</p>}
      <ul className="review-list">
        {items.map((image) => (
          <li key={`${image.owner}/${image.id}`} className="review-item" data-testid="review-item">
            {image.originalUrl ? (
              <img
                src={image.originalUrl}
                alt={`Original of ${image.fileName}`}
                data-testid="review-original"
                width={image.width ?? undefined}
                height={image.height ?? undefined}
              />
            ) : (
              <span className="placeholder">original unavailable</span>
            )}
            <div className="review-facts">
              <h3>{image.fileName}</h3>
              <p>
                Flagged for{' '}
                {image.analysis?.moderationLabels.map((label) => label.name).join(', ') || 'unknown reasons'}
              </p>
              <label>
                Note
                <input
                  type="text"
                  maxLength={1000}
                  value={notes[image.id] ?? ''}
                  onChange={(event) =>
                    setNotes((current) => ({ ...current, [image.id]: event.target.value }))
                  }
                />
              </label>
              <div className="review-actions">
                <button
                  type="button"
                  disabled={deciding === image.id}
                  onClick={() => decide(image, 'APPROVE')}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={deciding === image.id}
                  onClick={() => decide(image, 'REJECT')}
                >
                  Reject
                </button>
              </div>
            </div>
          </li>
        ))}
      </ul>
      {nextToken && (
        <button type="button" onClick={() => load(nextToken)}>
          More
        </button>
      )}
    </section>
  );
}
