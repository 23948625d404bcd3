/**
 * The GraphQL API itself, transport-free: graphql-js over the AppSync schema, every field guarded by
 * the auth directives and resolved by its APPSYNC_JS resolver (or by property), AppSync's error
 * format and limits, and the mutation → subscription publish hook.
 */
import { EventEmitter } from 'node:events';
import {
  buildSchema,
  type DocumentNode,
  defaultFieldResolver,
  type ExecutionResult,
  execute,
  executeSync,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  print,
  responsePathAsArray,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { queryLimits } from '../../../contracts/query-limits.ts';
import { mayAccess } from './auth-rules.ts';
import { CompiledQueries } from './compiled-queries.ts';
import type { DataSourceRegistry } from './data-sources/registry.ts';
import {
  type AppSyncError,
  AppSyncFieldError,
  formatError,
  formatLocations,
  unauthorizedField,
} from './errors.ts';
import type { Caller } from './identity.ts';
import { parseBounded } from './parse-bounded.ts';
import type { LoadedResolver, ResolverTable } from './resolver-table.ts';
import { type FieldPosition, type RequestScope, runResolver } from './run-resolver.ts';
import type { ContextInit, SubscriptionFilterJson } from './runtime/index.ts';
import { applyAwsScalars } from './scalars.ts';
import { byFieldName, collectFields, foldSelection, selectionOf } from './selection.ts';

export interface Limits {
  /** AppSync stops a request after 30 s. */
  executionMs: number;
  /** Deepest field nesting allowed (AppSync's queryDepthLimit); 0 = no limit. */
  queryDepth: number;
  /** AppSync's resolverCountLimit. */
  maxResolverCount: number;
  /** Mutation fields (distinct response keys) one request may carry. */
  maxMutationFields: number;
  /** graphql-js parse's maxTokens: bigger documents are refused before their nesting is walked. */
  maxTokens: number;
  /** Deepest `{ ( [` nesting, refused by lexing before graphql-js recurses. */
  maxNesting: number;
}

/** The cloud API's settings (contracts/query-limits.ts), so the local stack refuses what it refuses. */
export const defaultLimits: Limits = {
  executionMs: queryLimits.executionMs,
  queryDepth: queryLimits.queryDepthLimit,
  maxResolverCount: queryLimits.resolverCountLimit,
  maxMutationFields: queryLimits.maxMutationFields,
  maxTokens: queryLimits.maxTokens,
  maxNesting: queryLimits.maxNesting,
};

export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface CallInput extends OperationRequest {
  caller: Caller;
  /** Request headers, names lower-cased (`ctx.request.headers`). */
  headers: Record<string, string>;
  domainName?: string | null;
}

export interface ApiResult {
  data?: unknown;
  errors?: AppSyncError[];
}

/** A listed mutation returned non-null: subscribers of `subscriptionField` receive `value`. */
export interface PublishEvent {
  subscriptionField: string;
  mutationField: string;
  /** What the mutation's caller selected, keyed by field names (aliases undone). */
  value: unknown;
  /** The mutation's selection set for that field, as written. */
  selectionSet: string;
}

/** A `data` frame's payload: the event as one subscription selected it. */
export interface SubscriptionPayload {
  data: unknown;
  errors?: { message: string; path: ReadonlyArray<string | number> | null; errorType: null }[];
}

/**
 * What the real-time server keeps of a started subscription, the document parsed, validated and
 * its arguments resolved once, here: who its events are for and how they look.
 */
export interface StartedSubscription {
  subscriptionField: string;
  arguments: Record<string, unknown>;
  /** Set by the subscription resolver's `extensions.setSubscriptionFilter`, else null. */
  filter: SubscriptionFilterJson | null;
  /** Equal for subscriptions whose events project identically (same document, operation, variables). */
  shapeKey: string;
  /** An event as this subscription selected it (AppSync fills what the mutation did not select with null). */
  project(value: unknown): SubscriptionPayload;
}

export type SubscriptionStart = ({ ok: true } & StartedSubscription) | { ok: false; errors: AppSyncError[] };

interface PreparedDocument {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

/** Bounds of the valid-document cache: at most 8 MB of query text. */
const maxCachedDocuments = 128;
const maxCachedQueryChars = 64 * 1024;

interface FieldContext {
  caller: Caller;
  headers: Record<string, string>;
  domainName: string | null;
  variables: Record<string, unknown>;
  scope: RequestScope;
}

export interface GraphqlApiOptions {
  /** The SDL AppSync would see: aws.graphql's declarations, then schema.graphql. */
  schemaSdl: string;
  resolvers: ResolverTable;
  dataSources: DataSourceRegistry;
  limits?: Partial<Limits>;
  env?: Record<string, string>;
  /**
   * Whether an IAM signer's policy allows `appsync:GraphQL` on an operation field
   * (`types/Mutation/fields/x`); IAM callers pass on directives alone unless given.
   */
  authorizeIamField?: (accessKeyId: string, typeName: string, fieldName: string) => boolean;
}

export class GraphqlApi {
  readonly schema: GraphQLSchema;
  readonly limits: Limits;
  /** Emits `publish` (PublishEvent). */
  readonly events = new EventEmitter<{ publish: [PublishEvent] }>();
  /** mutation field → the subscription fields that list it in `@aws_subscribe`. */
  readonly subscribers = new Map<string, string[]>();
  private projection: GraphQLSchema | undefined;
  private readonly compiledQueries: CompiledQueries;
  /** Requests run by each executor (compiled-queries.ts): tests check which one answered. */
  readonly executions = { compiled: 0, graphqlJs: 0 };

  constructor(private readonly options: GraphqlApiOptions) {
    this.limits = { ...defaultLimits, ...options.limits };
    this.schema = buildSchema(options.schemaSdl);
    applyAwsScalars(this.schema);
    for (const type of Object.values(this.schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) field.resolve = this.guarded(type, field);
    }
    this.indexSubscriptions();
    this.compiledQueries = new CompiledQueries(options.schemaSdl, options.resolvers, (type, field) =>
      this.compiledResolver(type, field),
    );
  }

  async execute(input: CallInput): Promise<ApiResult> {
    const prepared = this.prepare(input);
    if ('failed' in prepared) return prepared.failed;
    const { operation } = prepared;
    if (operation.operation === 'subscription') {
      return this.fail(
        'Subscriptions are not supported over HTTP; use the real-time endpoint.',
        'UnsupportedOperation',
      );
    }
    const scope = this.newScope();
    const context: FieldContext = {
      caller: input.caller,
      headers: input.headers,
      domainName: input.domainName ?? null,
      variables: input.variables ?? {},
      scope,
    };
    const run = Promise.resolve(this.run(prepared, input, context));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.limits.executionMs);
    });
    const result = await Promise.race([run, timeout]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      scope.deadline = 0;
      return { data: null, errors: [requestLevelError('Execution timed out.', 'ExecutionTimeout')] };
    }
    const errors = this.errorsOf(result, scope);
    if (operation.operation === 'mutation') this.publish(operation, prepared.fragments, result.data);
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  }

  /**
   * One request's execution: a query whose whole selection its caller may read runs compiled
   * (compiled-queries.ts), once its document has been seen before; everything else runs through
   * graphql-js, every field guarded. Variables are judged by graphql-js in both cases, so both
   * accept and refuse alike; anything graphql-jit refuses still goes to graphql-js.
   */
  private run(
    prepared: PreparedDocument,
    input: CallInput,
    context: FieldContext,
  ): Promise<ExecutionResult> | ExecutionResult {
    const { document, operation, fragments } = prepared;
    const variables = input.variables ?? {};
    const compiled =
      operation.operation === 'query' && this.readableThroughout(operation, fragments, input.caller)
        ? this.compiledQueries.get(prepared)
        : undefined;
    if (compiled && !getVariableValues(this.schema, operation.variableDefinitions ?? [], variables).errors) {
      const result = compiled(context, variables);
      // graphql-jit answers only errors when it refuses variables; graphql-js has the last word.
      if (result instanceof Promise || 'data' in result) {
        this.executions.compiled += 1;
        return result;
      }
    }
    this.executions.graphqlJs += 1;
    return execute({
      schema: this.schema,
      document,
      variableValues: variables,
      operationName: input.operationName ?? null,
      contextValue: context,
    });
  }

  /** Whether `caller` may read every field the operation selects, at every depth. */
  private readableThroughout(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
    caller: Caller,
  ): boolean {
    const rootType = this.schema.getRootType(operation.operation);
    if (!rootType) return false;
    for (const root of collectFields(operation.selectionSet, fragments)) {
      if (this.deniedIn(rootType, root, fragments, caller)) return false;
    }
    return true;
  }

  /**
   * A real-time `start`, in one pass: parses and validates the document, checks field auth,
   * resolves the arguments and runs the subscription resolver (its enhanced filter), and returns
   * what the real-time server needs to deliver events.
   */
  async startSubscription(input: CallInput): Promise<SubscriptionStart> {
    const prepared = this.prepare(input);
    if ('failed' in prepared) return { ok: false, errors: prepared.failed.errors ?? [] };
    const { document, operation, fragments } = prepared;
    if (operation.operation !== 'subscription') {
      const message = `${operation.operation} operations are not supported through the realtime channel`;
      return { ok: false, errors: [requestLevelError(message, 'UnsupportedOperation')] };
    }
    const subscriptionType = this.schema.getSubscriptionType();
    const roots = collectFields(operation.selectionSet, fragments);
    const root = roots[0];
    if (!subscriptionType || !root || roots.length !== 1) {
      return {
        ok: false,
        errors: [requestLevelError('Expected one subscription field.', 'BadRequestException')],
      };
    }
    const field = subscriptionType.getFields()[root.name.value];
    if (!field)
      return {
        ok: false,
        errors: [requestLevelError(`Unknown field ${root.name.value}`, 'BadRequestException')],
      };
    const denied = this.deniedIn(subscriptionType, root, fragments, input.caller);
    if (denied) return { ok: false, errors: [requestLevelError(denied.message, 'Unauthorized')] };
    const variables = getVariableValues(
      this.schema,
      operation.variableDefinitions ?? [],
      input.variables ?? {},
    );
    if (variables.errors) return { ok: false, errors: variables.errors.map(badRequest) };
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, root, variables.coerced);
    } catch (error) {
      return { ok: false, errors: [badRequest(error as GraphQLError)] };
    }
    let filter: SubscriptionFilterJson | null = null;
    const resolver = this.options.resolvers.get(subscriptionType.name, field.name);
    if (resolver) {
      const scope = this.newScope();
      const fieldInfo = {
        fieldName: field.name,
        parentTypeName: subscriptionType.name,
        variables: variables.coerced,
        selectionSetList: [],
        selectionSetGraphQL: root.selectionSet ? print(root.selectionSet) : '',
      };
      try {
        const run = await runResolver(
          resolver,
          this.contextInit(input.caller, input.headers, input.domainName ?? null, args, null, fieldInfo),
          { path: [root.alias?.value ?? field.name], locations: root.loc ? [root.loc.startToken] : [] },
          this.options.dataSources,
          scope,
        );
        filter = run.subscriptionFilter ?? null;
      } catch (error) {
        const raised = error instanceof AppSyncFieldError ? error : new AppSyncFieldError(String(error));
        return { ok: false, errors: [requestLevelError(raised.message, raised.errorType)] };
      }
    }
    const projection = this.projectionSchema();
    const subscriptionField = field.name;
    const operationName = input.operationName ?? null;
    return {
      ok: true,
      subscriptionField,
      arguments: args,
      filter,
      shapeKey: JSON.stringify([input.query, operationName, variables.coerced]),
      project: (value) =>
        projectEvent(
          executeSync({
            schema: projection,
            document,
            operationName,
            variableValues: variables.coerced,
            rootValue: { [subscriptionField]: value },
          }),
        ),
    };
  }

  /**
   * The schema without resolvers: an event is projected onto a subscriber's selection by plain
   * property reads over what the mutation returned, never by running resolvers again.
   */
  private projectionSchema(): GraphQLSchema {
    if (!this.projection) {
      this.projection = buildSchema(this.options.schemaSdl);
      applyAwsScalars(this.projection);
    }
    return this.projection;
  }

  /**
   * Documents that parsed and validated, by operation name and text: clients send the same few
   * documents again and again, and validation alone cost more CPU than running a getImage. That
   * outcome depends only on the text and this API's schema (one cache per API); the limits are
   * judged on every request (the resolver count depends on the resolvers loaded now).
   */
  private readonly validDocuments = new Map<string, PreparedDocument>();

  private prepare(input: OperationRequest): PreparedDocument | { failed: ApiResult } {
    const prepared = this.parseAndValidate(input);
    if ('failed' in prepared) return prepared;
    const overLimit = this.overLimit(prepared.operation, prepared.fragments);
    return overLimit ? { failed: overLimit } : prepared;
  }

  private parseAndValidate(input: OperationRequest): PreparedDocument | { failed: ApiResult } {
    const name = input.operationName ?? '';
    // The name's length first: no name/query split of one key can be read as another.
    const cacheKey =
      input.query.length <= maxCachedQueryChars ? `${name.length}:${name}${input.query}` : undefined;
    const cached = cacheKey === undefined ? undefined : this.validDocuments.get(cacheKey);
    if (cached) return cached;
    const prepared = this.parseAndValidateUncached(input);
    if (cacheKey !== undefined && !('failed' in prepared)) {
      // Oldest out first: a bounded cache, however many distinct documents callers send.
      if (this.validDocuments.size >= maxCachedDocuments) {
        const oldest = this.validDocuments.keys().next().value;
        if (oldest !== undefined) this.validDocuments.delete(oldest);
      }
      this.validDocuments.set(cacheKey, prepared);
    }
    return prepared;
  }

  private parseAndValidateUncached(input: OperationRequest): PreparedDocument | { failed: ApiResult } {
    let document: DocumentNode;
    try {
      document = parseBounded(input.query, this.limits);
    } catch (error) {
      return { failed: { data: null, errors: [formatError(error as GraphQLError)] } };
    }
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { failed: { data: null, errors: invalid.map(formatError) } };
    const operation = getOperationAST(document, input.operationName ?? undefined);
    if (!operation)
      return { failed: this.fail('Unknown or ambiguous operation name.', 'BadRequestException') };
    const fragments = Object.fromEntries(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    return { document, operation, fragments };
  }

  /**
   * The limits a document can be judged by before anything runs: depth, mutation fields, and root
   * fields with a resolver (each is one invocation at least, so more than resolverCountLimit of
   * them can never finish; the rest of the count is kept while executing).
   */
  private overLimit(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
  ): ApiResult | undefined {
    const depth = foldSelection(operation.selectionSet, fragments, Math.max);
    if (this.limits.queryDepth > 0 && depth > this.limits.queryDepth) {
      const message = `Query depth ${depth} exceeds the limit of ${this.limits.queryDepth}.`;
      return this.fail(message, 'QueryDepthLimitReached');
    }
    const roots = rootFields(operation.selectionSet, fragments);
    if (operation.operation === 'mutation' && roots.size > this.limits.maxMutationFields) {
      const message = `The request has ${roots.size} mutation fields; at most ${this.limits.maxMutationFields} are allowed.`;
      return this.fail(message, 'BadRequestException');
    }
    const rootType = this.schema.getRootType(operation.operation);
    const withResolver = [...roots.values()].filter(
      (name) => rootType && this.options.resolvers.get(rootType.name, name),
    ).length;
    if (withResolver > this.limits.maxResolverCount) {
      const message = `The request invokes at least ${withResolver} resolvers; the limit is ${this.limits.maxResolverCount}.`;
      return this.fail(message, 'ResolverInvocationLimitReached');
    }
    return undefined;
  }

  private fail(message: string, errorType: string): ApiResult {
    return { data: null, errors: [requestLevelError(message, errorType)] };
  }

  private newScope(): RequestScope {
    return {
      batches: new Map(),
      appendedErrors: [],
      invalidations: [],
      deadline: Date.now() + this.limits.executionMs,
      resolverCount: 0,
      maxResolverCount: this.limits.maxResolverCount,
    };
  }

  private contextInit(
    caller: Caller,
    headers: Record<string, string>,
    domainName: string | null,
    args: Record<string, unknown>,
    source: unknown,
    info: NonNullable<ContextInit['info']>,
  ): ContextInit {
    return {
      arguments: args,
      identity: caller.identity as unknown as Record<string, unknown> | null,
      source: source ?? null,
      headers,
      domainName,
      info,
      env: this.options.env ?? {},
      authMode: caller.mode,
    };
  }

  /**
   * AppSync checks an IAM caller's policy (`appsync:GraphQL`) on the operation's top-level fields
   * only; nested types answer to the directives alone.
   */
  private iamMayCall(
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    caller: Caller,
  ): boolean {
    const check = this.options.authorizeIamField;
    if (caller.mode !== 'AWS_IAM' || !check || caller.accessKeyId === undefined) return true;
    const roots = [
      this.schema.getQueryType(),
      this.schema.getMutationType(),
      this.schema.getSubscriptionType(),
    ];
    if (!roots.includes(type)) return true;
    return check(caller.accessKeyId, type.name, field.name);
  }

  /** Every field's resolver: auth first (never data for a denied field), then resolver or property. */
  private guarded(
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
  ): GraphQLFieldResolver<unknown, FieldContext> {
    const table = this.options.resolvers;
    // Looked up again only after a (re)load: this runs for every field of every item, ~1,000
    // times for a listImages page, and most fields have no resolver.
    let lookup: { generation: number; resolver?: LoadedResolver; failure?: string } = { generation: -1 };
    return (source, args, context, info) => {
      if (!mayAccess(type, field, context.caller) || !this.iamMayCall(type, field, context.caller))
        throw unauthorizedField(field.name, type.name);
      if (lookup.generation !== table.generation) {
        const resolver = table.get(type.name, field.name);
        const failure = table.failure(type.name, field.name);
        lookup = {
          generation: table.generation,
          ...(resolver ? { resolver } : {}),
          ...(failure !== undefined ? { failure } : {}),
        };
      }
      const { resolver } = lookup;
      if (resolver) return this.resolveWith(resolver, type, field, source, args, context, info);
      if (lookup.failure !== undefined) throw loadFailure(type, field, lookup.failure);
      return defaultFieldResolver(source, args, context, info);
    };
  }

  /**
   * A field's resolve function in the compiled queries' schema, which runs only where auth has
   * been settled for the whole selection: its resolver's run, its load failure, or nothing (the
   * property is read).
   */
  private compiledResolver(
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
  ): GraphQLFieldResolver<unknown, FieldContext> | undefined {
    const resolver = this.options.resolvers.get(type.name, field.name);
    if (resolver)
      return (source, args, context, info) =>
        this.resolveWith(resolver, type, field, source, inDefinitionOrder(field, args), context, info);
    const failure = this.options.resolvers.failure(type.name, field.name);
    if (failure === undefined) return undefined;
    return () => {
      throw loadFailure(type, field, failure);
    };
  }

  private resolveWith(
    resolver: LoadedResolver,
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    source: unknown,
    args: Record<string, unknown>,
    context: FieldContext,
    info: GraphQLResolveInfo,
  ): unknown {
    const init = this.contextInit(
      context.caller,
      context.headers,
      context.domainName,
      // Both executors coerce a fresh arguments object for every field they resolve.
      args,
      source,
      {
        fieldName: field.name,
        parentTypeName: type.name,
        variables: context.variables,
        ...selectionOf(info),
      },
    );
    const position = new FieldPlace(info);
    const run = runResolver(resolver, init, position, this.options.dataSources, context.scope);
    return run instanceof Promise ? run.then((done) => done.value) : run.value;
  }

  private errorsOf(result: ExecutionResult, scope: RequestScope): AppSyncError[] {
    const errors = (result.errors ?? []).map(formatError);
    for (const appended of scope.appendedErrors) {
      errors.push({
        path: appended.path,
        data: appended.error.data ?? null,
        errorType: appended.error.errorType ?? null,
        errorInfo: appended.error.errorInfo ?? null,
        locations: formatLocations(appended.locations),
        message: appended.error.message,
      });
    }
    return errors;
  }

  private publish(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
    data: Record<string, unknown> | null | undefined,
  ): void {
    for (const field of collectFields(operation.selectionSet, fragments)) {
      const mutationField = field.name.value;
      const value = data?.[field.alias?.value ?? mutationField];
      if (value === null || value === undefined) continue;
      for (const subscriptionField of this.subscribers.get(mutationField) ?? []) {
        this.events.emit('publish', {
          subscriptionField,
          mutationField,
          value: byFieldName(value, field.selectionSet, fragments),
          selectionSet: field.selectionSet ? print(field.selectionSet) : '',
        });
      }
    }
  }

  /** The first field of a subscription's selection the caller may not read, if any. */
  private deniedIn(
    type: GraphQLObjectType,
    node: FieldNode,
    fragments: Record<string, FragmentDefinitionNode>,
    caller: Caller,
  ): AppSyncFieldError | undefined {
    if (node.name.value.startsWith('__')) return undefined;
    const field = type.getFields()[node.name.value];
    if (!field) return undefined;
    if (!mayAccess(type, field, caller) || !this.iamMayCall(type, field, caller))
      return unauthorizedField(field.name, type.name);
    const named = getNamedType(field.type);
    if (!(named instanceof GraphQLObjectType)) return undefined;
    for (const child of collectFields(node.selectionSet, fragments)) {
      const denied = this.deniedIn(named, child, fragments, caller);
      if (denied) return denied;
    }
    return undefined;
  }

  private indexSubscriptions(): void {
    const subscriptionType = this.schema.getSubscriptionType();
    for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
      const mutations = directive?.arguments?.find((a) => a.name.value === 'mutations')?.value;
      if (mutations?.kind !== Kind.LIST) continue;
      for (const value of mutations.values) {
        if (value.kind !== Kind.STRING) continue;
        this.subscribers.set(value.value, [...(this.subscribers.get(value.value) ?? []), field.name]);
      }
    }
  }
}

/** A subscription's variables or arguments that do not coerce: the request is bad, as a whole. */
function badRequest(error: GraphQLError): AppSyncError {
  return { ...formatError(error), errorType: 'BadRequestException' };
}

function projectEvent(result: ExecutionResult): SubscriptionPayload {
  if (!result.errors?.length) return { data: result.data ?? null };
  return {
    data: result.data ?? null,
    errors: result.errors.map((error) => ({
      message: error.message,
      path: error.path ?? null,
      errorType: null,
    })),
  };
}

/**
 * The arguments in the field's declared order, as graphql-js gives them (graphql-jit puts literals
 * before variables): resolvers that walk `ctx.args` see one order whichever executor ran.
 */
function inDefinitionOrder(
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): Record<string, unknown> {
  if (field.args.length < 2) return args;
  const ordered: Record<string, unknown> = {};
  for (const { name } of field.args) if (Object.hasOwn(args, name)) ordered[name] = args[name];
  return ordered;
}

function loadFailure(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  failure: string,
): AppSyncFieldError {
  return new AppSyncFieldError(
    `The resolver of ${type.name}.${field.name} failed to load: ${failure}`,
    'MappingTemplate',
  );
}

function requestLevelError(message: string, errorType: string | null): AppSyncError {
  return { path: null, data: null, errorType, errorInfo: null, locations: null, message };
}

/** Root response key → field name: fields sharing a response key run once, as graphql-js merges them. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  into = new Map<string, string>(),
  visited = new Set<string>(),
): Map<string, string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      into.set(selection.alias?.value ?? selection.name.value, selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFields(selection.selectionSet, fragments, into, visited);
    } else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) rootFields(fragment.selectionSet, fragments, into, visited);
    }
  }
  return into;
}

/** Where a field sits, worked out only if an error is reported beside its value (rare; fields run often). */
class FieldPlace implements FieldPosition {
  constructor(private readonly info: GraphQLResolveInfo) {}

  get path(): ReadonlyArray<string | number> {
    return responsePathAsArray(this.info.path);
  }

  get locations(): ReadonlyArray<{ line: number; column: number }> {
    return this.info.fieldNodes
      .flatMap((node) => (node.loc ? [node.loc.startToken] : []))
      .map((t) => ({ line: t.line, column: t.column }));
  }
}
