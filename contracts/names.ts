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
  dashboard: 'darkroom',
  indexes: { byOwnerStatus: 'byOwnerStatus', byStatus: 'byStatus' },
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
  },
  dataSources: {
    images: 'images',
    none: 'none',
    createUpload: 'createUpload',
    deleteImage: 'deleteImage',
    signUrls: 'signUrls',
  },
} as const;

/** Keys in the bucket. S3 keys never contain user text: only the owner's sub and the ULID. */
export const keys = {
  uploadPrefix: 'uploads/',
  original: (owner: string, id: string) => `uploads/${owner}/${id}/original`,
  thumbnail: (owner: string, id: string, size: 'small' | 'medium' | 'large', ext: 'jpg' | 'webp') =>
    `thumbnails/${owner}/${id}/${size}.${ext}`,
  thumbnailPrefix: (owner: string, id: string) => `thumbnails/${owner}/${id}/`,
  uploadPrefixOf: (owner: string, id: string) => `uploads/${owner}/${id}/`,
} as const;

/** Limits of the API contract (docs/contracts.md). */
export const limits = {
  maxUploadBytes: 25 * 1024 * 1024,
  maxFileNameLength: 255,
  uploadTicketSeconds: 5 * 60,
  pendingUploadTtlSeconds: 24 * 60 * 60,
  thumbnailUrlSeconds: 15 * 60,
  listDefaultLimit: 20,
  listMaxLimit: 100,
  /** The pipeline's own timeout; the sweeper fails items PROCESSING longer than this. */
  pipelineTimeoutSeconds: 5 * 60,
} as const;

/** Exactly the types the pipeline decodes (the prebuilt sharp has no HEIC decoder). */
export const supportedContentTypes = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
] as const;
export type SupportedContentType = (typeof supportedContentTypes)[number];
