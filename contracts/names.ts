/**
 * Resource names, defined once: the CDK app names its resources with these and the local stack
 * creates its stand-ins with the same names, so code and logs read the same in both places.
 */
export const names = {
  stack: 'Darkroom',
  api: 'darkroom-api',
  table: 'Images',
  bucketPrefix: 'darkroom-images',
  /** The local stack's bucket; in the cloud the name is generated (bucket names are global). */
  localBucket: 'darkroom-images-local',
  userPool: 'darkroom-users',
  userPoolClient: 'darkroom-web',
  moderatorsGroup: 'moderators',
  stateMachine: 'darkroom-pipeline',
  rule: 'darkroom-upload-created',
  topic: 'image-processed',
  dlq: 'darkroom-rule-dlq',
  /** Alarms of every kind are sent here. */
  opsTopic: 'darkroom-ops',
  /** The CodeDeploy application holding one deployment group per function (named like it). */
  codeDeployApplication: 'darkroom',
  apiWebAcl: 'darkroom-api',
  /** Secrets Manager: the PEM private key of the CloudFront key pair that signs thumbnail URLs. */
  cdnPrivateKeySecret: 'darkroom/cdn-private-key',
  dashboard: 'darkroom',
  indexes: { byOwnerStatus: 'byOwnerStatus', byStatus: 'byStatus', byOwnerContent: 'byOwnerContent' },
  functions: {
    createUpload: 'darkroom-create-upload',
    deleteImage: 'darkroom-delete-image',
    signUrls: 'darkroom-sign-urls',
    inspect: 'darkroom-inspect',
    thumbnails: 'darkroom-thumbnails',
    analyse: 'darkroom-analyse',
    flag: 'darkroom-flag',
    saveResult: 'darkroom-save-result',
    markFailed: 'darkroom-mark-failed',
    publish: 'darkroom-publish',
    sweeper: 'darkroom-sweeper',
    dispatch: 'darkroom-dispatch',
    reviewImage: 'darkroom-review-image',
    approve: 'darkroom-approve',
  },
  dataSources: {
    images: 'images',
    none: 'none',
    createUpload: 'createUpload',
    deleteImage: 'deleteImage',
    signUrls: 'signUrls',
    reviewImage: 'reviewImage',
  },
} as const;

/** Keys in the bucket. S3 keys never contain user text: only the owner's sub and the ULID. */
export const keys = {
  uploadPrefix: 'uploads/',
  original: (owner: string, id: string) => `uploads/${owner}/${id}/original`,
  /**
   * A thumbnail's key names exactly one rendition: `revision` is a hash of its bytes
   * (`thumbnailRevision`), so a new rendition (a blurred one) never reuses a key, and a URL or a
   * CDN copy of one can be cached for good.
   */
  thumbnail: (
    owner: string,
    id: string,
    size: 'small' | 'medium' | 'large',
    ext: 'jpg' | 'webp',
    revision: string,
  ) => `thumbnails/${owner}/${id}/${size}-${revision}.${ext}`,
  thumbnailPrefix: (owner: string, id: string) => `thumbnails/${owner}/${id}/`,
  uploadPrefixOf: (owner: string, id: string) => `uploads/${owner}/${id}/`,
  /** Originals of FLAGGED images: readable only by the pipeline and moderators, with their own lifecycle. */
  quarantinePrefix: 'quarantine/',
  quarantinedOriginal: (owner: string, id: string) => `quarantine/${owner}/${id}/original`,
  quarantinePrefixOf: (owner: string, id: string) => `quarantine/${owner}/${id}/`,
} as const;

/** Hex digits of a thumbnail's revision: 64 bits of SHA-256 tell one image's renditions apart. */
export const thumbnailRevisionLength = 16;

const thumbnailKeyPattern = new RegExp(
  `^thumbnails/[^/]+/[^/]+/(?:small|medium|large)(?:-[0-9a-f]{${thumbnailRevisionLength}})?\\.(?:jpg|webp)$`,
);

/**
 * Whether `key` is a thumbnail key — revisioned, or the plain `{size}.{ext}` of images stored
 * before revisions — the only keys a thumbnail URL is ever signed for.
 */
export function isThumbnailKey(key: string): boolean {
  return thumbnailKeyPattern.test(key);
}

/** Whether `key` is `quarantine/{owner}/{id}/original`: the one key Image.originalUrl signs. */
export function isQuarantinedOriginalKey(key: string): boolean {
  const parts = key.split('/');
  return (
    parts.length === 4 && parts[0] === 'quarantine' && parts[3] === 'original' && !!parts[1] && !!parts[2]
  );
}

/** Limits of the API contract (docs/contracts.md). */
export const limits = {
  maxUploadBytes: 25 * 1024 * 1024,
  maxFileNameLength: 255,
  uploadTicketSeconds: 5 * 60,
  pendingUploadTtlSeconds: 24 * 60 * 60,
  thumbnailUrlSeconds: 15 * 60,
  /**
   * CloudFront thumbnail URLs expire at the end of the window after the current one, so every read
   * within a window gets the same URL (browser and edge caches hit) and each URL lives 1–2 windows.
   */
  cdnUrlWindowSeconds: 60 * 60,
  /** How long the edge and browsers keep a thumbnail: its key changes with every new revision. */
  thumbnailCacheSeconds: 365 * 24 * 60 * 60,
  listDefaultLimit: 20,
  listMaxLimit: 100,
  /** How long a FLAGGED image's quarantined original waits for a moderator before it expires. */
  quarantineRetentionDays: 90,
  /** How long a moderator's URL to a quarantined original lives: long enough to look, no longer. */
  originalUrlSeconds: 5 * 60,
  /** A review note's longest length (characters). */
  maxReviewNoteLength: 1000,
  /** The pipeline's own timeout; the sweeper fails items PROCESSING longer than this. */
  pipelineTimeoutSeconds: 5 * 60,
} as const;

/** Exactly the types the pipeline decodes (HEIC/HEIF through libheif, the rest through sharp). */
export const supportedContentTypes = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/heic',
  'image/heif',
] as const;
export type SupportedContentType = (typeof supportedContentTypes)[number];
