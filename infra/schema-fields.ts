/** Which fields the GraphQL schema declares, so synth can refuse a resolver for a field that does not exist. */
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

export interface FieldRef {
  typeName: string;
  fieldName: string;
}

/** `Type.field` for every field of every object type (extensions included) in the SDL. */
export function objectFields(sdl: string): Set<string> {
  const fields = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) fields.add(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields;
}

/** The fields of the root operation types (Query, Mutation, Subscription). */
export function rootFields(sdl: string): string[] {
  return [...objectFields(sdl)].filter((field) => /^(Query|Mutation|Subscription)\./.test(field));
}

/** Throws, naming each one, when a resolver targets a field the schema does not declare. */
export function assertFieldsExist(refs: readonly FieldRef[], sdl: string): void {
  const known = objectFields(sdl);
  const unknown = refs.map((ref) => `${ref.typeName}.${ref.fieldName}`).filter((field) => !known.has(field));
  if (unknown.length > 0) {
    throw new Error(`resolvers for fields not in schema.graphql: ${unknown.join(', ')}`);
  }
}

export function readSchema(schemaPath: string): string {
  return readFileSync(schemaPath, 'utf8');
}
