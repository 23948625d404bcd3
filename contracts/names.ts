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
  /**
   * CloudFront thumbnail URLs expire at the end of the window after the current one, so every read
   * within a window gets the same URL (browser and edge caches hit) and each URL lives 1–2 windows.
   */
  cdnUrlWindowSeconds: 60 * 60,
  /** How long the edge and browsers keep a thumbnail: its key changes with every new revision. */
  thumbnailCacheSeconds: 365 * 24 * 60 * 60,
  listDefaultLimit: 20,
  listMaxLimit: 100,
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
