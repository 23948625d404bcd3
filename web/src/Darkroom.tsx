/** The signed-in app: uploads with live progress, the gallery, the detail view. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DarkroomClient, Image, Usage } from '../../client-sdk/index.ts';
import { FilterChips } from './FilterChips.tsx';
import { Gallery } from './Gallery.tsx';
import { ImageDetail } from './ImageDetail.tsx';
import { ReviewQueue } from './ReviewQueue.tsx';
import { chipLabels, type GalleryFilter, isFiltered, matchesFilter } from './search-chips.ts';
import { type Upload, UploadList } from './UploadList.tsx';
import { UploadZone } from './UploadZone.tsx';
import { UsageMeter } from './UsageMeter.tsx';

const PAGE_SIZE = 24;

interface Props {
  client: DarkroomClient;
  userName: string;
  onSignOut(): void;
}

export function Darkroom({ client, userName, onSignOut }: Props) {
  const [images, setImages] = useState<Image[]>([]);
  const [nextToken, setNextToken] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [selected, setSelected] = useState<string>();
  const loadingRef = useRef(false);
  const [filter, setFilter] = useState<GalleryFilter>({});
  const filterRef = useRef<GalleryFilter>({});
  const [labels, setLabels] = useState<string[]>([]);
  const [usage, setUsage] = useState<Usage>();
  // The Review page is for the moderators group only: the token says who is in it.
  const [moderator, setModerator] = useState(false);
  const [reviewing, setReviewing] = useState(false);

  useEffect(() => {
    client.isModerator().then(setModerator, () => setModerator(false));
  }, [client]);

  const refreshUsage = useCallback(() => {
    client.myUsage().then(setUsage, () => setUsage(undefined));
  }, [client]);

  /** An event or a finished upload: replace the image in place, or put a new one first. */
  const upsert = useCallback((image: Image) => {
    setImages((current) => {
      const index = current.findIndex((candidate) => candidate.id === image.id);
      if (index === -1 && !matchesFilter(image, filterRef.current)) return current;
      if (index === -1) return [image, ...current].sort((a, b) => (a.id < b.id ? 1 : -1));
      const next = [...current];
      next[index] = image;
      return next;
    });
  }, []);

  const loadMore = useCallback(async () => {
    if (loadingRef.current || nextToken === null) return;
    loadingRef.current = true;
    setLoading(true);
    const asked = filterRef.current;
    try {
      // A filtered page may be short (even empty) and still have a nextToken: the sentinel asks again.
      const page = isFiltered(asked)
        ? await client.searchImagesPage(asked, { limit: PAGE_SIZE }, nextToken)
        : await client.listImagesPage({ limit: PAGE_SIZE }, nextToken);
      if (asked !== filterRef.current) return;
      setImages((current) => {
        const known = new Set(current.map((image) => image.id));
        return [...current, ...page.items.filter((image) => !known.has(image.id))];
      });
      setNextToken(page.nextToken);
    } catch (thrown) {
      setError(thrown instanceof Error ? thrown.message : String(thrown));
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }, [client, nextToken]);

  // First page on mount, and again from the top whenever the chips change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only once per signed-in user or filter
  useEffect(() => {
    void loadMore();
  }, [filter]);

  useEffect(refreshUsage, [refreshUsage]);

  // The chips come from the unfiltered gallery, so choosing one does not make the others vanish.
  useEffect(() => {
    if (!isFiltered(filter)) setLabels(chipLabels(images));
  }, [images, filter]);

  const changeFilter = (next: GalleryFilter) => {
    filterRef.current = next;
    loadingRef.current = false;
    setImages([]);
    setNextToken(undefined);
    setFilter(next);
  };

  // Live status: the pipeline's events arrive over the subscription, never by polling.
  useEffect(() => {
    const subscription = client.onImageProcessed({ next: upsert, error: (e) => setError(String(e)) });
    return () => subscription.unsubscribe();
  }, [client, upsert]);

  const updateUpload = (key: string, change: Partial<Upload>) =>
    setUploads((current) =>
      current.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)),
    );

  const startUploads = (files: File[]) => {
    const started = files.map((file) => ({
      key: crypto.randomUUID(),
      name: file.name,
      phase: 'waiting' as const,
      progress: 0,
      stages: [],
    }));
    setUploads((current) => [...started, ...current]);
    files.forEach((file, index) => {
      const { key } = started[index] as Upload;
      client
        .upload(file, {
          onProgress: ({ phase, loaded, total, imageId, stage }) =>
            setUploads((current) =>
              current.map((upload) =>
                upload.key === key
                  ? {
                      ...upload,
                      // A late byte report never moves a row back once the pipeline has it.
                      phase:
                        phase === 'requesting'
                          ? 'waiting'
                          : phase === 'uploading' && upload.phase === 'processing'
                            ? 'processing'
                            : phase,
                      progress:
                        phase === 'uploading' ? loaded / Math.max(total, 1) : phase === 'processing' ? 1 : 0,
                      imageId,
                      stages:
                        stage && !upload.stages.includes(stage) ? [...upload.stages, stage] : upload.stages,
                    }
                  : upload,
              ),
            ),
        })
        .then((image) => {
          upsert(image);
          refreshUsage();
          updateUpload(key, { phase: image.status === 'FLAGGED' ? 'flagged' : 'done', progress: 1 });
        })
        .catch((thrown: unknown) => {
          // A refused upload may be a quota: show where the caller stands.
          refreshUsage();
          updateUpload(key, {
            phase: 'failed',
            error: thrown instanceof Error ? thrown.message : String(thrown),
          });
        });
    });
  };

  const remove = async (image: Image) => {
    await client.deleteImage(image.id);
    setSelected(undefined);
    setImages((current) => current.filter((candidate) => candidate.id !== image.id));
    refreshUsage();
  };

  const selectedImage = images.find((image) => image.id === selected);

  return (
    <div className="darkroom">
      <header className="topbar">
        <h1>darkroom</h1>
        <span className="who">{userName}</span>
        {moderator && (
          <button type="button" aria-pressed={reviewing} onClick={() => setReviewing((on) => !on)}>
            {reviewing ? 'Gallery' : 'Review'}
          </button>
        )}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {moderator && reviewing ? (
        <main>
          <ReviewQueue client={client} />
        </main>
      ) : (
        <main>
          <UsageMeter usage={usage} />
          <UploadZone onFiles={startUploads} />
          <UploadList uploads={uploads} />
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <FilterChips labels={labels} filter={filter} onChange={changeFilter} />
          <Gallery
            images={images}
            onOpen={setSelected}
            onEnd={loadMore}
            loading={loading}
            hasMore={nextToken !== null}
          />
        </main>
      )}
      {selectedImage && (
        <ImageDetail image={selectedImage} onClose={() => setSelected(undefined)} onDelete={remove} />
      )}
    </div>
  );
}
