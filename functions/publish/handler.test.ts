import { readFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLObjectType,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const graphqlUrl = 'https://example1234.appsync-api.us-east-1.amazonaws.com/graphql';
const schema = buildSchema(
  ['aws.graphql', 'schema.graphql']
    .map((file) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'))
    .join('\n'),
);

const { handler } = await loadHandler(() => import('./handler.ts'), {
  GRAPHQL_URL: graphqlUrl,
  AWS_ACCESS_KEY_ID: 'AKIDPIPELINE',
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Field paths of `type` that `selection` leaves out (recursively, inline fragments resolved by the caller). */
function missingFields(
  type: GraphQLObjectType,
  selection: SelectionSetNode | undefined,
  path: string,
): string[] {
  const selected = new Map(
    (selection?.selections ?? []).flatMap((node) =>
      node.kind === Kind.FIELD ? [[node.name.value, node]] : [],
    ),
  );
  return Object.values(type.getFields()).flatMap((field) => {
    const node = selected.get(field.name);
    if (!node) return [`${path}.${field.name}`];
    const named = getNamedType(field.type);
    return isObjectType(named) ? missingFields(named, node.selectionSet, `${path}.${field.name}`) : [];
  });
}

function aPublishedImage(status: string) {
  return { data: { publishImageProcessed: { id: 'image-1', owner: 'owner-1', status } } };
}

describe('publish handler', () => {
  it('calls publishImageProcessed selecting the whole Image, signed for appsync, and returns the status', async () => {
    // Prepare
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
      Response.json(aPublishedImage('FLAGGED')),
    );
    vi.stubGlobal('fetch', fetch);

    // Act
    const result = await handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    expect(result).toEqual({ published: true, status: 'FLAGGED' });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(String(url)).toBe(graphqlUrl);
    expect(new Headers(init?.headers).get('authorization')).toMatch(
      /Credential=AKIDPIPELINE\/\d{8}\/us-east-1\/appsync\/aws4_request/,
    );
    const body = JSON.parse(String(init?.body)) as { query: string; variables: unknown };
    expect(body.variables).toEqual({ owner: 'owner-1', id: 'image-1' });
    const document = parse(body.query);
    expect(validate(schema, document)).toEqual([]);
    // Subscribers receive exactly what this mutation selects; fragments inlined by AppSync, so resolve them here.
    const fragments = Object.fromEntries(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
    );
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const publishField = operation?.selectionSet.selections[0];
    expect(publishField?.kind === Kind.FIELD && publishField.name.value).toBe('publishImageProcessed');
    const spread = publishField?.kind === Kind.FIELD ? publishField.selectionSet?.selections[0] : undefined;
    const selection =
      spread?.kind === Kind.FRAGMENT_SPREAD ? fragments[spread.name.value]?.selectionSet : undefined;
    expect(missingFields(schema.getType('Image') as GraphQLObjectType, selection, 'Image')).toEqual([]);
  });

  it('fails with PublishFailed when AppSync answers 200 with errors', async () => {
    // Prepare
    vi.stubGlobal('fetch', async () =>
      Response.json({
        data: null,
        errors: [{ errorType: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' }],
      }),
    );

    // Act
    const attempt = handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'PublishFailed' });
  });

  it('reports published:false when the image no longer exists', async () => {
    // Prepare
    vi.stubGlobal('fetch', async () => Response.json({ data: { publishImageProcessed: null } }));

    // Act
    const result = await handler({ owner: 'owner-1', id: 'deleted-image' });

    // Assess
    expect(result).toEqual({ published: false, status: null });
  });
});
