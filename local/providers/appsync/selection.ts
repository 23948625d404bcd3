/** Selection-set views AppSync gives resolvers (`ctx.info`) and the publish hook needs. */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  Kind,
  print,
  type SelectionSetNode,
} from 'graphql';

type Fragments = Record<string, FragmentDefinitionNode>;

/** The fields of a selection set, fragments expanded, in document order (repeats kept). */
export function collectFields(selectionSet: SelectionSetNode | undefined, fragments: Fragments): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      fields.push(...collectFields(selection.selectionSet, fragments));
    else {
      const fragment = fragments[selection.name.value];
      if (fragment) fields.push(...collectFields(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

/**
 * A number folded over a selection set with every fragment spread where it is: a field counts 1
 * plus its own selection's, an inline fragment its selection's, and `combine` joins siblings
 * (`Math.max` for the depth, a sum for the fields graphql-jit compiles). Each fragment is worked
 * out once, however often it is spread.
 */
export function foldSelection(
  selectionSet: SelectionSetNode | undefined,
  fragments: Fragments,
  combine: (a: number, b: number) => number,
  byFragment = new Map<string, number>(),
): number {
  let folded = 0;
  for (const selection of selectionSet?.selections ?? []) {
    let value: number;
    if (selection.kind === Kind.FIELD) {
      value = 1 + foldSelection(selection.selectionSet, fragments, combine, byFragment);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      value = foldSelection(selection.selectionSet, fragments, combine, byFragment);
    } else {
      const name = selection.name.value;
      let known = byFragment.get(name);
      if (known === undefined) {
        // Validation has refused fragment cycles; 0 first keeps a cycle from recursing anyway.
        byFragment.set(name, 0);
        known = foldSelection(fragments[name]?.selectionSet, fragments, combine, byFragment);
        byFragment.set(name, known);
      }
      value = known;
    }
    folded = combine(folded, value);
  }
  return folded;
}

function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** `ctx.info.selectionSetList`: response keys (aliases win), nested ones joined with `/`. */
export function selectionSetList(info: GraphQLResolveInfo): string[] {
  const list: string[] = [];
  const walk = (selectionSet: SelectionSetNode | undefined, prefix: string) => {
    for (const field of collectFields(selectionSet, info.fragments)) {
      const path = `${prefix}${responseKey(field)}`;
      if (!list.includes(path)) list.push(path);
      walk(field.selectionSet, `${path}/`);
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, '');
  return list;
}

/** `ctx.info.selectionSetGraphQL`: the field's selection set as written (fragments not merged). */
export function selectionSetGraphQL(info: GraphQLResolveInfo): string {
  const selectionSet = info.fieldNodes[0]?.selectionSet;
  return selectionSet ? print(selectionSet) : '';
}

interface SelectionViews {
  selectionSetList: string[];
  selectionSetGraphQL: string;
}

/**
 * Views worked out, by the field's first node: a validated document is parsed once and kept
 * (graphql-api.ts), so its nodes are the same objects in every request that sends it. A node in a
 * fragment can meet different sibling nodes where the fragment is spread, so an entry is also
 * matched on the rest of the field's nodes.
 */
const selections = new WeakMap<FieldNode, Array<{ nodes: readonly FieldNode[]; views: SelectionViews }>>();

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  return a.length === b.length && a.every((node, i) => node === b[i]);
}

/**
 * `ctx.info`'s two selection views, worked out once per field of a document: every item of a list
 * shares its field's nodes, and so does every request sending the same query; printing the
 * selection for each of 50 images' 6 thumbnails cost more than the resolvers. Each call gets its
 * own list, as a resolver may change the one it was given.
 */
export function selectionOf(info: GraphQLResolveInfo): SelectionViews {
  const [first] = info.fieldNodes;
  if (!first) return { selectionSetList: [], selectionSetGraphQL: '' };
  let known = selections.get(first);
  if (!known) {
    known = [];
    selections.set(first, known);
  }
  let entry = known.find((candidate) => sameNodes(candidate.nodes, info.fieldNodes));
  if (!entry) {
    entry = {
      nodes: [...info.fieldNodes],
      views: { selectionSetList: selectionSetList(info), selectionSetGraphQL: selectionSetGraphQL(info) },
    };
    known.push(entry);
  }
  const { views } = entry;
  return { selectionSetList: [...views.selectionSetList], selectionSetGraphQL: views.selectionSetGraphQL };
}

/**
 * A response value re-keyed from response keys (aliases) to field names, so a mutation's result
 * can be projected onto a subscriber's own selection set.
 */
export function byFieldName(
  value: unknown,
  selectionSet: SelectionSetNode | undefined,
  fragments: Fragments,
): unknown {
  if (value === null || value === undefined || !selectionSet) return value;
  if (Array.isArray(value)) return value.map((item) => byFieldName(item, selectionSet, fragments));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of collectFields(selectionSet, fragments)) {
    const key = responseKey(field);
    if (!(key in source)) continue;
    const projected = byFieldName(source[key], field.selectionSet, fragments);
    const existing = out[field.name.value];
    // The same field selected twice under different aliases: merge what each selected.
    out[field.name.value] =
      existing &&
      typeof existing === 'object' &&
      projected &&
      typeof projected === 'object' &&
      !Array.isArray(projected)
        ? { ...(existing as object), ...(projected as object) }
        : projected;
  }
  return out;
}
