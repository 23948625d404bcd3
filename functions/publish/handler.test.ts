import { readFileSync } from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
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
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraphQLEndpoint } from '../test-support/graphql-endpoint.ts';
import { loadHandler } from '../test-support/load-handler.ts';

const schema = buildSchema(
  ['aws.graphql', 'schema.graphql']
    .map((file) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'))
    .join('\n'),
);

const topicArn = 'arn:aws:sns:us-east-1:000000000000:image-processed';
const sns = mockClient(SNSClient);
const documents = mockClient(DynamoDBDocumentClient);

const appsync = await startGraphQLEndpoint();
const { handler } = await loadHandler(() => import('./handler.ts'), {
  GRAPHQL_URL: appsync.url,
  TOPIC_ARN: topicArn,
  AWS_ACCESS_KEY_ID: 'AKIDPIPELINE',
});

beforeEach(() => {
  appsync.reset();
  sns.reset();
  documents.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  documents.on(UpdateCommand).resolves({});
});

afterAll(async () => {
  await appsync.close();
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

const processedAt = '2026-11-30T12:00:00.000Z';

function aPublishedImage(status: string) {
  return { data: { publishImageProcessed: { id: 'image-1', owner: 'owner-1', status, processedAt } } };
}

describe('publish handler', () => {
  it('calls publishImageProcessed selecting the whole Image, signed for appsync, and returns the status', async () => {
    // Prepare
    appsync.answer(aPublishedImage('FLAGGED'));

    // Act
    const result = await handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    expect(result).toEqual({
      announced: true,
      status: 'FLAGGED',
      dedupeKey: `image-1#FLAGGED#${processedAt}`,
    });
    expect(appsync.received).toHaveLength(1);
    const [request] = appsync.received;
    expect(request?.path).toBe('/graphql');
    expect(request?.headers.authorization).toMatch(
      /Credential=AKIDPIPELINE\/\d{8}\/us-east-1\/appsync\/aws4_request/,
    );
    const body = JSON.parse(request?.body ?? '{}') as { query: string; variables: unknown };
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
    // All but Image.originalUrl: the moderators group alone may read it (the IAM publish would be
    // refused it), and subscribers are owners, who must never receive the quarantined original.
    expect(missingFields(schema.getType('Image') as GraphQLObjectType, selection, 'Image')).toEqual([
      'Image.originalUrl',
    ]);
  });

  it('then notifies the topic with the dedupe key and records the announcement of exactly that revision', async () => {
    // Prepare
    appsync.answer(aPublishedImage('COMPLETED'));

    // Act
    await handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    const dedupeKey = `image-1#COMPLETED#${processedAt}`;
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(published?.TopicArn).toBe(topicArn);
    expect(JSON.parse(published?.Message ?? '{}')).toEqual({
      owner: 'owner-1',
      id: 'image-1',
      status: 'COMPLETED',
      dedupeKey,
    });
    expect(published?.MessageAttributes?.dedupeKey).toEqual({ DataType: 'String', StringValue: dedupeKey });
    const update = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: 'Images',
      Key: { owner: 'owner-1', id: 'image-1' },
      ConditionExpression: '#status = :status AND statusKey = :unannounced AND processedAt = :processedAt',
      UpdateExpression: 'SET publishedAt = :now REMOVE statusKey',
      ExpressionAttributeValues: expect.objectContaining({
        ':status': 'COMPLETED',
        ':unannounced': 'UNANNOUNCED',
        ':processedAt': processedAt,
      }),
    });
  });

  it('keeps a FLAGGED image in the byStatus index (moderation’s view) once announced', async () => {
    appsync.answer(aPublishedImage('FLAGGED'));

    await handler({ owner: 'owner-1', id: 'image-1' });

    const update = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.UpdateExpression).toBe('SET publishedAt = :now, statusKey = :lasting');
    expect(update?.ExpressionAttributeValues?.[':lasting']).toBe('FLAGGED');
  });

  it('announces nothing for an image that is not finished', async () => {
    appsync.answer(aPublishedImage('PROCESSING'));

    const result = await handler({ owner: 'owner-1', id: 'image-1' });

    expect(result).toEqual({ announced: false, status: 'PROCESSING' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('fails with PublishFailed when AppSync answers 200 with errors', async () => {
    // Prepare
    appsync.answer({
      data: null,
      errors: [{ errorType: 'DynamoDB:ProvisionedThroughputExceededException', message: 'slow down' }],
    });

    // Act
    const attempt = handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'PublishFailed' });
  });

  it('reports published:false when the image no longer exists', async () => {
    // Prepare
    appsync.answer({ data: { publishImageProcessed: null } });

    // Act
    const result = await handler({ owner: 'owner-1', id: 'deleted-image' });

    // Assess
    expect(result).toEqual({ announced: false, status: null });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
