/**
 * How much work one GraphQL request or real-time frame may ask for, defined once: the CDK API sets
 * `queryDepthLimit` and `resolverCountLimit` from here, and the local AppSync enforces the same
 * numbers (plus the parse and mutation bounds AppSync has no setting for).
 */

/** The CDK/AppSync settings and the local checks of every GraphQL request. */
export const queryLimits = {
  /**
   * AppSync `queryDepthLimit` (1–75; 0 = off). The deepest field of the schema is 6 levels down
   * (listImages.items.analysis.faces.boundingBox.left); graphql-js's introspection query reaches
   * 13 (`__schema.types.fields.type` and its `ofType` chain), so 15 leaves both room.
   */
  queryDepthLimit: 15,
  /**
   * AppSync `resolverCountLimit` (1–10,000; default 10,000). `listImages(limit: 100) { items {
   * thumbnails { url } originalUrl } }` invokes 1 + 100 + 100 = 201 resolvers (701 while each
   * Thumbnail.url had its own) and must pass; 1,000 aliased `getImage` must not. A pipeline counts
   * one per function plus its own before/after step.
   */
  resolverCountLimit: 750,
  /**
   * Mutation fields per request. AppSync has no such setting, so the cloud relies on
   * resolverCountLimit (4 invocations per requestUpload); locally the request is refused before
   * any mutation runs. The clients send one mutation per request.
   */
  maxMutationFields: 10,
  /**
   * graphql-js `parse(..., { maxTokens })`: a bigger document is refused before it is parsed. The
   * introspection query is about 300 tokens; 1,000 aliased `getImage(id: "…") { id }` about 11,000,
   * which stay parsable so that the resolver limit names the cause.
   */
  maxTokens: 15_000,
  /**
   * Deepest nesting of `{`, `(`, `[` in a document, checked by lexing before parsing: graphql-js
   * parses recursively and a few thousand levels exhaust the stack below maxTokens. Four times
   * the depth limit leaves room for arguments and inline fragments.
   */
  maxNesting: 60,
  /**
   * Largest request body (bytes). AppSync documents none for HTTP; EventBridge's AppSync target
   * caps a GraphQL operation at 1,048,576 characters, and the same 1 MiB bounds the local stack.
   */
  maxRequestBytes: 1024 * 1024,
  /** AppSync stops a request after 30 s. */
  executionMs: 30_000,
} as const;

/** The real-time (WebSocket) channel's limits. */
export const realtimeLimits = {
  /** AppSync's 240 KB message payload limit, applied to incoming frames too (`ws` maxPayload). */
  maxFrameBytes: 240 * 1024,
  /** Outgoing `data` payloads over this are refused with a LimitExceededError frame. */
  maxPayloadBytes: 240 * 1024,
  /** The 101st `start` on one connection → MaxSubscriptionsReachedError. */
  maxSubscriptionsPerConnection: 100,
} as const;
