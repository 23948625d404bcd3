import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../../contracts/names.ts';
import { verifySigV4 } from '../../sigv4.ts';
import { leanDynamoDbClient } from './lean-client.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './testing.ts';
import { DynamoDbUnreachableError, DynamoDbWire, DynamoDbWireError, wireFor } from './wire-client.ts';

const credentials = { accessKeyId: 'darkroomtests', secretAccessKey: 'local' };
let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
});

afterAll(async () => {
  await dynamo?.stop();
});

interface Scripted {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>;
  close: () => Promise<void>;
}

/** A server answering each request with the next scripted status and body. */
async function scriptedServer(answers: Array<[number, unknown]>): Promise<Scripted> {
  const requests: Scripted['requests'] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const [status, body] = answers.shift() ?? [500, { __type: 'x#InternalServerError' }];
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'req-1',
      });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const clientFor = (endpoint: string) => leanDynamoDbClient({ endpoint, region: 'us-east-1', credentials });

describe('the DynamoDB wire client', () => {
  it("reads what the SDK wrote, in DynamoDB's own JSON", async () => {
    // Prepare
    const client = clientFor(dynamo.endpoint);
    const Key = { owner: { S: 'wire-owner' }, id: { S: 'image-1' } };
    await client.send(
      new PutItemCommand({
        TableName: names.table,
        Item: { ...Key, size: { N: '12' }, tags: { SS: ['a'] } },
      }),
    );

    // Act
    const wire = await wireFor(client);
    const got = await wire.call('GetItem', { TableName: names.table, Key, ConsistentRead: true });
    const page = await wire.call('Query', {
      TableName: names.table,
      KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': { S: 'wire-owner' } },
    });

    // Assess
    expect(got.Item).toEqual({ ...Key, size: { N: '12' }, tags: { SS: ['a'] } });
    expect(page.Count).toBe(1);
    expect(await wireFor(client)).toBe(wire);
  });

  it('signs every request with SigV4 for dynamodb, as the SDK does', async () => {
    // Prepare
    const server = await scriptedServer([[200, { Item: null }]]);
    try {
      // Act
      await (await wireFor(clientFor(server.url))).call('GetItem', { TableName: 't', Key: {} });

      // Assess
      const [request] = server.requests;
      expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
      expect(request?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=darkroomtests\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-target/,
      );
      const verified = verifySigV4(
        {
          method: 'POST',
          url: new URL('/', server.url),
          headers: request?.headers ?? {},
          body: Buffer.from(request?.body ?? ''),
        },
        (accessKeyId) => (accessKeyId === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
      );
      expect(verified).toMatchObject({ ok: true, service: 'dynamodb', region: 'us-east-1' });
    } finally {
      await server.close();
    }
  });

  it('sends again after throttling and 5xx, then answers', async () => {
    // Prepare
    const server = await scriptedServer([
      [
        400,
        {
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'slow down',
        },
      ],
      [503, { __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable' }],
      [200, { Count: 0, Items: [] }],
    ]);
    try {
      // Act
      const answer = await (await wireFor(clientFor(server.url))).call('Query', { TableName: 't' });

      // Assess
      expect(answer).toEqual({ Count: 0, Items: [] });
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('gives a refusal to the caller at once, named as DynamoDB named it', async () => {
    // Prepare
    const server = await scriptedServer([
      [400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table' }],
    ]);
    try {
      // Act
      const refused = await (await wireFor(clientFor(server.url)))
        .call('GetItem', { TableName: 'missing', Key: {} })
        .catch((error: unknown) => error);

      // Assess
      expect(refused).toBeInstanceOf(DynamoDbWireError);
      expect(refused).toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'no table',
        $metadata: { httpStatusCode: 400, requestId: 'req-1' },
      });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('abandons an attempt that never answers and sends again', async () => {
    // Prepare: the first request is held unanswered, the second answered.
    let held = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        held += 1;
        if (held === 1) return;
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{"Count":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const wire = new DynamoDbWire(
      { endpoint: new URL(`http://127.0.0.1:${port}`), region: 'us-east-1', credentials },
      { attempts: 2, baseDelayMs: 1, sleep: async () => {}, attemptTimeoutMs: 200 },
    );
    try {
      // Act
      const answer = await wire.call('Query', { TableName: 't' });

      // Assess
      expect(answer).toEqual({ Count: 0 });
      expect(held).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a DynamoDB it never reached, every attempt spent, with $metadata as the SDK does', async () => {
    // Prepare: a port nobody listens on any more.
    const closed = await scriptedServer([]);
    await closed.close();
    const wire = new DynamoDbWire(
      { endpoint: new URL(closed.url), region: 'us-east-1', credentials },
      { attempts: 2, baseDelayMs: 1, sleep: async () => {}, attemptTimeoutMs: 1_000 },
    );

    // Act
    const failed = await wire.call('GetItem', { TableName: 't', Key: {} }).catch((error: unknown) => error);

    // Assess
    expect(failed).toBeInstanceOf(DynamoDbUnreachableError);
    expect(failed).toMatchObject({ $metadata: {}, message: expect.stringContaining('ECONNREFUSED') });
  });
});
