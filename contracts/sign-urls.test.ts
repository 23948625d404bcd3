import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { thumbnailFieldsWithoutUrl } from './sign-urls.ts';

const sdl = ['aws.graphql', 'schema.graphql']
  .map((file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))
  .join('\n');

describe('the signUrls contract', () => {
  it('lists every Thumbnail field but url: a new field would otherwise count as asking for url', () => {
    const thumbnail = buildSchema(sdl).getType('Thumbnail');
    if (!(thumbnail instanceof GraphQLObjectType)) throw new Error('no Thumbnail type in the schema');
    const fields = Object.keys(thumbnail.getFields()).filter((name) => name !== 'url');
    expect([...thumbnailFieldsWithoutUrl].sort()).toEqual([...fields, '__typename'].sort());
  });
});
