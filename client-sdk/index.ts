/** darkroom's client SDK: the typed client, its errors and the generated documents. */
export { type AmplifyOutputs, toResourcesConfig } from './amplify-config.ts';
export { type KeyValueStorage, keepTokensIn, signInWithPassword } from './auth.ts';
export {
  createDarkroomClient,
  type DarkroomClient,
  type DarkroomClientOptions,
  type FlaggedImage,
  type Image,
  type ImagePage,
  type ReviewDecision,
  type SearchFilter,
  type UploadPhase,
  type UploadReport,
  type Usage,
} from './client.ts';
export * from './errors.ts';
// The public documents and their types only: the IAM-only publish mutations are the pipeline's.
export {
  DeleteImageDocument,
  type DeleteImageMutation,
  type DeleteImageMutationVariables,
  GetImageDocument,
  type GetImageQuery,
  type GetImageQueryVariables,
  type ImageFieldsFragment,
  ImageFieldsFragmentDoc,
  type ImageSearchInput,
  type ImageStage,
  type ImageStatus,
  ListImagesDocument,
  type ListImagesQuery,
  type ListImagesQueryVariables,
  MyUsageDocument,
  type MyUsageQuery,
  type MyUsageQueryVariables,
  OnImageProcessedDocument,
  type OnImageProcessedSubscription,
  type OnImageProcessedSubscriptionVariables,
  OnImageProgressDocument,
  type OnImageProgressSubscription,
  type OnImageProgressSubscriptionVariables,
  RequestUploadDocument,
  type RequestUploadInput,
  type RequestUploadMutation,
  type RequestUploadMutationVariables,
  SearchImagesDocument,
  type SearchImagesQuery,
  type SearchImagesQueryVariables,
  type ThumbnailFormat,
  type ThumbnailSize,
} from './generated/operations.ts';
export { installLoopbackWebSocket, rewriteLoopbackUrl } from './loopback-websocket.ts';
export type { UploadProgress } from './post-upload.ts';
