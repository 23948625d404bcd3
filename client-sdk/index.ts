/** darkroom's client SDK: the typed client, its errors and the generated documents. */
export { type AmplifyOutputs, toResourcesConfig } from './amplify-config.ts';
export {
  createDarkroomClient,
  type DarkroomClient,
  type DarkroomClientOptions,
  type FlaggedImage,
  type Image,
  type ImagePage,
  type ReviewDecision,
  type SearchFilter,
  type Usage,
} from './client.ts';
export * from './errors.ts';
export * from './generated/operations.ts';
export { installLoopbackWebSocket, rewriteLoopbackUrl } from './loopback-websocket.ts';
export type { UploadProgress } from './post-upload.ts';
