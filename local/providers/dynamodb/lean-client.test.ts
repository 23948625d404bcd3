import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../../contracts/names.ts';
import { leanDynamoDbClient, unreadMiddleware } from './lean-client.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './testing.ts';

let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('leanDynamoDbClient', () => {
  it('reads and writes DynamoDB Local without the middleware it never reads', async () => {
    // Prepare
    const client = leanDynamoDbClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'darkroomtests', secretAccessKey: 'local' },
    });
    const Key = { owner: { S: 'owner-1' }, id: { S: 'image-1' } };

    // Act
    await client.send(
      new PutItemCommand({ TableName: names.table, Item: { ...Key, fileName: { S: 'a.jpg' } } }),
    );
    const read = await client.send(new GetItemCommand({ TableName: names.table, Key, ConsistentRead: true }));

    // Assess
    expect(read.Item?.fileName).toEqual({ S: 'a.jpg' });
    const stack = client.middlewareStack.identify().join('\n');
    for (const name of unreadMiddleware) expect(stack).not.toContain(name);
    expect(stack).toContain('httpSigningMiddleware');
    expect(stack).toContain('retryMiddleware');
  });
});
