/**
 * Query documents compiled by graphql-jit, over a copy of the schema in which only the fields with
 * a resolver resolve. graphql-js builds a resolve info and an arguments map and walks the type for
 * every field it completes, ~3,500 of them on a listImages page with URLs (~2 ms of CPU); a
 * compiled query reads the plain fields as properties and calls only the resolvers (~0.45 ms).
 * The caller uses one only where per-field auth cannot deny anything, and only for a document seen
 * before: compiling costs more than one graphql-js run.
 */
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { ResolverTable } from './resolver-table.ts';
import { applyAwsScalars } from './scalars.ts';
import { foldSelection } from './selection.ts';

/** The resolve function of a field that has a resolver (or failed to load one), else undefined. */
export type FieldResolverFor = (
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
) => GraphQLFieldResolver<unknown, never> | undefined;

/** A validated document and the operation picked from it (one object per pair, kept while cached). */
export interface CompiledOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

type Compiled = CompiledQuery<Record<string, unknown>, Record<string, unknown>>;

export type RunCompiled = (
  context: unknown,
  variables: Record<string, unknown>,
) => Promise<ExecutionResult> | ExecutionResult;

export class CompiledQueries {
  private generation = -1;
  private schema: GraphQLSchema | undefined;
  /** `seen`: met once, not compiled yet; `unfit`: graphql-jit refused it (graphql-js runs it). */
  private compiled = new WeakMap<CompiledOperation, Compiled | 'seen' | 'unfit'>();

  constructor(
    private readonly schemaSdl: string,
    private readonly table: ResolverTable,
    private readonly resolverFor: FieldResolverFor,
  ) {}

  /** The operation compiled, or undefined while it has not earned it (or cannot be). */
  get(operation: CompiledOperation): RunCompiled | undefined {
    const schema = this.current();
    const known = this.compiled.get(operation);
    if (known === undefined) {
      this.compiled.set(operation, 'seen');
      return undefined;
    }
    if (known === 'unfit') return undefined;
    if (known !== 'seen') return (context, variables) => known.query(undefined, context, variables);
    if (!fitForCompiling(operation)) {
      this.compiled.set(operation, 'unfit');
      return undefined;
    }
    let made: Compiled | ExecutionResult;
    try {
      made = compileQuery(schema, operation.document, operation.operation.name?.value);
    } catch {
      made = { errors: [] };
    }
    if (!isCompiledQuery(made)) {
      this.compiled.set(operation, 'unfit');
      return undefined;
    }
    this.compiled.set(operation, made);
    return (context, variables) => made.query(undefined, context, variables);
  }

  /** The schema for the resolvers loaded now: a (re)load can add or drop any field's resolver. */
  private current(): GraphQLSchema {
    if (this.schema && this.generation === this.table.generation) return this.schema;
    const schema = buildSchema(this.schemaSdl);
    applyAwsScalars(schema);
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const resolve = this.resolverFor(type, field);
        if (resolve) field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
      }
    }
    this.schema = schema;
    this.generation = this.table.generation;
    this.compiled = new WeakMap();
    return schema;
  }
}

/**
 * The most fields a compiled document may select (a full-Image listImages document has ~70).
 * Compiling costs ~0.04–0.08 ms a field, about four times validating it: without a bound, a
 * document near the token limit (~2,600 fields), sent twice, would hold the event loop ~100 ms.
 */
const maxCompiledFields = 256;

/**
 * Whether graphql-jit may compile `operation`: small enough (above), and with no string carrying
 * one of its placeholders. graphql-jit 0.8.9 writes literal arguments into the code it generates
 * as JSON, then turns its own placeholder strings (`__MAGIC_DATE__<uuid>`, NaN, ±Infinity) back
 * into expressions with a regular expression that also matches inside a caller's string: such a
 * literal would run as code. graphql-js runs the rest.
 */
function fitForCompiling({ document, operation, fragments }: CompiledOperation): boolean {
  let marker = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('__MAGIC_')) marker = true;
    },
  });
  if (marker) return false;
  return foldSelection(operation.selectionSet, fragments, (a, b) => a + b) <= maxCompiledFields;
}
