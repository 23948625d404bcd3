import { describe, expect, it } from 'vitest';
import { assertFieldsExist, objectFields, rootFields } from './schema-fields.ts';

const sdl = /* GraphQL */ `
  type Image @aws_iam { id: ID! thumbnails: [String!]! }
  type Query { getImage(id: ID!): Image }
  type Mutation { deleteImage(id: ID!): Image }
  extend type Query { listImages: [Image!]! }
  input Ignored { id: ID! }
`;

describe('schema fields', () => {
  it('lists object type fields, extensions included, but not input fields', () => {
    expect([...objectFields(sdl)].sort()).toEqual([
      'Image.id',
      'Image.thumbnails',
      'Mutation.deleteImage',
      'Query.getImage',
      'Query.listImages',
    ]);
  });

  it('lists only the root operation fields as root fields', () => {
    expect(rootFields(sdl).sort()).toEqual(['Mutation.deleteImage', 'Query.getImage', 'Query.listImages']);
  });

  it('accepts resolvers for declared fields and names every undeclared one', () => {
    expect(() => assertFieldsExist([{ typeName: 'Image', fieldName: 'thumbnails' }], sdl)).not.toThrow();
    expect(() =>
      assertFieldsExist(
        [
          { typeName: 'Query', fieldName: 'getImage' },
          { typeName: 'Query', fieldName: 'getImages' },
          { typeName: 'Ignored', fieldName: 'id' },
        ],
        sdl,
      ),
    ).toThrow('resolvers for fields not in schema.graphql: Query.getImages, Ignored.id');
  });
});
