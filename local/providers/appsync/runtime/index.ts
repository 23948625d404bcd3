// The local APPSYNC_JS runtime: load a resolver bundle, build a ctx, evaluate request/response.
// LIMITATIONS: util.transform.toElasticsearchQueryDSL, util.rds/http/xml and size() filters are
// absent; util.time patterns cover the common Java letters only; how several dynamodb update
// operations are joined and the helpers' placeholder names are not checked against AWS; the vm
// context is a check that resolver code stays in its lane, not a security boundary.
//
// Use (the local AppSync server and the resolver tests):
//   const code = loadResolverCode(bundleResolverCode(entry.source), entry.source); // once, at (re)load
//   const ctx = createContext({ arguments, identity, source, info: { fieldName, parentTypeName } });
//   const outcome = evaluate(code, 'request' | 'response', ctx); // one handler at a time
//   // whole fields (unit or pipeline, with data sources): ../run-resolver.ts runResolver
// Outcomes carry kind 'value' | 'earlyReturn' | 'error' (util.error / util.unauthorized /
// errorType 'Code' for a bug in the resolver), util.appendError errors, and the subscription
// filter / invalidation filter / invalidations set through `extensions`.
// Data sources answer `{result}` or `{error: {message, type}}`; DynamoDB requests carry typed
// values with numbers as JSON numbers ({N: 12345}); convert results back with fromMapValues.
export { type AuthMode, type Context, type ContextInit, createContext, type Info } from './context.ts';
export { fromDynamoDB, fromMapValues, toDynamoDB, toMapValues } from './dynamodb-values.ts';
export type { SubscriptionFilterJson } from './expressions.ts';
export {
  checkLanguageSubset,
  type EvaluationOutcome,
  evaluate,
  type LoadedCode,
  type LoadOptions,
  loadResolverCode,
  ResolverCodeError,
} from './loader.ts';
export type { ResolverError } from './signals.ts';
