import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveFunctionName } from '../../../contracts/function-specs.ts';
import { ownerStatusKey } from '../../../contracts/image-item.ts';
import { names } from '../../../contracts/names.ts';
import type { ImageStatus } from '../../../generated/schema.ts';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import { CognitoProvider } from '../cognito/index.ts';
import { loadSigningKey } from '../cognito/signing-key.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/testing.ts';
import { AppSyncProvider, type PublishEvent } from './index.ts';
import { realtimeBackend } from './realtime-backend.ts';
import { signedGraphqlRequest } from './testing/sign-iam.ts';

let dataDir: string;
let dynamo: DynamoDbLocal;
let cognito: CognitoProvider;
let appsync: AppSyncProvider;
let server: Server;
let endpoint: string;
const invocations: Array<{ functionName: string; payload: unknown }> = [];
const config = () => loadConfig({}, { dataDir, autoConfirm: true });

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<Record<string, unknown>>;
}

async function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: GraphqlBody }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as GraphqlBody };
}

function gql(query: string, variables: Record<string, unknown>, token: string) {
  return post(JSON.stringify({ query, variables }), { authorization: token });
}

async function signIn(email: string): Promise<{ accessToken: string; idToken: string; sub: string }> {
  const clientId = cognito.clientId;
  await cognito.call('SignUp', { ClientId: clientId, Username: email, Password: 'Passw0rd!long' });
  const result = await cognito.call('InitiateAuth', {
    ClientId: clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: 'Passw0rd!long' },
  });
  if (!('output' in result)) throw new Error(JSON.stringify(result));
  const tokens = (result.output as { AuthenticationResult: { AccessToken: string; IdToken: string } })
    .AuthenticationResult;
  return {
    accessToken: tokens.AccessToken,
    idToken: tokens.IdToken,
    sub: String(decodeJwt(tokens.AccessToken).sub),
  };
}

const thumbnails = ['SMALL', 'MEDIUM', 'LARGE'].flatMap((size) =>
  ['JPEG', 'WEBP'].map((format) => ({
    size,
    format,
    width: 150,
    height: 100,
    contentType: format === 'JPEG' ? 'image/jpeg' : 'image/webp',
    key: `thumbnails/x/${size.toLowerCase()}.${format === 'JPEG' ? 'jpg' : 'webp'}`,
  })),
);

async function seedImage(owner: string, id: string, status: ImageStatus = 'COMPLETED'): Promise<void> {
  const now = new Date().toISOString();
  await DynamoDBDocumentClient.from(dynamo.client).send(
    new PutCommand({
      TableName: names.table,
      Item: {
        owner,
        id,
        fileName: 'cat.jpg',
        contentType: 'image/jpeg',
        size: 2048,
        status,
        ownerStatus: ownerStatusKey(owner, status),
        createdAt: now,
        updatedAt: now,
        thumbnails,
      },
    }),
  );
}

const imageFields = 'id owner fileName status size createdAt thumbnails { size format key url }';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-appsync-'));
  dynamo = await startDynamoDbLocal();
  cognito = new CognitoProvider(providerContext(config()));
  await cognito.start();
  appsync = new AppSyncProvider({
    ...providerContext(config()),
    dynamodbEndpoint: dynamo.endpoint,
    cognito,
    invokeLambda: async (functionName, payload) => {
      invocations.push({ functionName, payload });
      // Data sources invoke the live alias, as the cloud's do (contracts/function-specs.ts).
      if (functionName === liveFunctionName(names.functions.signUrls)) {
        const sign = (key: string) => `https://signed.example/${key}`;
        return (payload as Array<{ key: string } | { keys: string[] }>).map((p) =>
          'keys' in p ? p.keys.map(sign) : sign(p.key),
        );
      }
      throw Object.assign(new Error(`no such function ${functionName}`), {
        name: 'ResourceNotFoundException',
      });
    },
  });
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    await appsync.handle({ req, res, url, body: Buffer.concat(chunks) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  await appsync.start();
}, 90_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await appsync?.stop();
  await dynamo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the local AppSync over HTTP', () => {
  it('loads every resolver of the catalog', () => {
    expect(appsync.health()).toMatchObject({ ready: true });
    expect(appsync.health().detail).not.toMatch(/failing/);
  });

  it("keeps each user's images to themselves, by get and by list", async () => {
    const alice = await signIn('alice@example.com');
    const bob = await signIn('bob@example.com');
    await seedImage(alice.sub, '01JALICE0000000000000000001');

    const get = `query ($id: ID!) { getImage(id: $id) { ${imageFields} } }`;
    const mine = await gql(get, { id: '01JALICE0000000000000000001' }, alice.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body.errors).toBeUndefined();
    const image = mine.body.data?.getImage as {
      owner: string;
      thumbnails: Array<{ url: string; key: string }>;
    };
    expect(image.owner).toBe(alice.sub);
    expect(image.thumbnails.map((t) => t.url)).toEqual(
      thumbnails.map((t) => `https://signed.example/${t.key}`),
    );

    const theirs = await gql(get, { id: '01JALICE0000000000000000001' }, `Bearer ${bob.idToken}`);
    expect(theirs.body).toEqual({ data: { getImage: null } });

    const list = `{ listImages { items { id owner } nextToken } }`;
    expect((await gql(list, {}, bob.accessToken)).body).toEqual({
      data: { listImages: { items: [], nextToken: null } },
    });
    expect((await gql(list, {}, alice.accessToken)).body.data?.listImages).toEqual({
      items: [{ id: '01JALICE0000000000000000001', owner: alice.sub }],
      nextToken: null,
    });
  });

  it('batches the thumbnail URLs of one request into one sign-urls invocation, one item per image', async () => {
    const carol = await signIn('carol@example.com');
    await seedImage(carol.sub, '01JCAROL0000000000000000001');
    await seedImage(carol.sub, '01JCAROL0000000000000000002');
    await seedImage(carol.sub, '01JCAROL0000000000000000003', 'PROCESSING');
    invocations.length = 0;
    const list = await gql(`{ listImages { items { id thumbnails { url } } } }`, {}, carol.accessToken);
    expect(list.body.errors).toBeUndefined();
    expect(invocations.map((i) => i.functionName)).toEqual([liveFunctionName(names.functions.signUrls)]);
    // The PROCESSING image's renditions get no URL and no batch item.
    const keys = thumbnails.map((t) => t.key);
    expect(invocations[0]?.payload).toEqual([
      { keys, imageStatus: 'COMPLETED' },
      { keys, imageStatus: 'COMPLETED' },
    ]);
    const page = list.body.data?.listImages as
      | { items: Array<{ thumbnails: Array<{ url: string | null }> }> }
      | undefined;
    expect(page?.items.map((item) => item.thumbnails.map((t) => t.url))).toEqual([
      keys.map(() => null),
      keys.map((key) => `https://signed.example/${key}`),
      keys.map((key) => `https://signed.example/${key}`),
    ]);

    invocations.length = 0;
    const withoutUrls = await gql(
      `{ listImages { items { id thumbnails { key } } } }`,
      {},
      carol.accessToken,
    );
    expect(withoutUrls.body.errors).toBeUndefined();
    expect(invocations).toEqual([]);
  });

  it('lets the IAM principal publish the stored image and emits it to subscribers', async () => {
    const dave = await signIn('dave@example.com');
    await seedImage(dave.sub, '01JDAVE00000000000000000001');
    const events: PublishEvent[] = [];
    const off = appsync.onPublish((event) => events.push(event));
    const body = JSON.stringify({
      query: `mutation ($owner: ID!, $id: ID!) { publishImageProcessed(owner: $owner, id: $id) { id owner status analysis { isSafe } } }`,
      variables: { owner: dave.sub, id: '01JDAVE00000000000000000001' },
    });
    const signed = await signedGraphqlRequest(endpoint, body, config().credentials);
    const response = await post(signed.body, signed.headers);
    off();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        publishImageProcessed: {
          id: '01JDAVE00000000000000000001',
          owner: dave.sub,
          status: 'COMPLETED',
          analysis: null,
        },
      },
    });
    // Both subscriptions that list publishImageProcessed: the terminal one and the progress one.
    expect(events).toEqual(
      ['onImageProcessed', 'onImageProgress'].map((subscriptionField) => ({
        subscriptionField,
        mutationField: 'publishImageProcessed',
        value: { id: '01JDAVE00000000000000000001', owner: dave.sub, status: 'COMPLETED', analysis: null },
        selectionSet: expect.stringContaining('analysis'),
      })),
    );
  });

  it('emits publishImageProgress to onImageProgress only, and refuses it to a Cognito user', async () => {
    const gwen = await signIn('gwen@example.com');
    await seedImage(gwen.sub, '01JGWEN00000000000000000002');
    const events: PublishEvent[] = [];
    const off = appsync.onPublish((event) => events.push(event));
    const query = `mutation ($owner: ID!, $id: ID!) { publishImageProgress(owner: $owner, id: $id) { id owner status stage sequence } }`;
    const body = JSON.stringify({ query, variables: { owner: gwen.sub, id: '01JGWEN00000000000000000002' } });
    const signed = await signedGraphqlRequest(endpoint, body, config().credentials);
    const response = await post(signed.body, signed.headers);
    const refused = await post(body, { authorization: gwen.accessToken });
    off();

    expect(response.body).toEqual({
      // An item stored before milestones existed: stage and sequence resolve to null.
      data: {
        publishImageProgress: {
          id: '01JGWEN00000000000000000002',
          owner: gwen.sub,
          status: 'COMPLETED',
          stage: null,
          sequence: null,
        },
      },
    });
    expect(events.map((event) => [event.subscriptionField, event.mutationField])).toEqual([
      ['onImageProgress', 'publishImageProgress'],
    ]);
    expect(refused.body).toMatchObject({
      data: { publishImageProgress: null },
      errors: [{ errorType: 'Unauthorized' }],
    });
  });

  it('refuses publishImageProcessed to a Cognito user with an Unauthorized field error and no data', async () => {
    const erin = await signIn('erin@example.com');
    await seedImage(erin.sub, '01JERIN00000000000000000001');
    const response = await gql(
      `mutation { publishImageProcessed(owner: "${erin.sub}", id: "01JERIN00000000000000000001") { id } }`,
      {},
      erin.accessToken,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { publishImageProcessed: null },
      errors: [
        {
          path: ['publishImageProcessed'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 12, sourceName: null }],
          message: 'Not Authorized to access publishImageProcessed on type Mutation',
        },
      ],
    });
  });

  it('gives the real-time server the caller and the enhanced filter of a subscription start', async () => {
    const gina = await signIn('gina@example.com');
    const backend = realtimeBackend(appsync, () => endpoint);
    const caller = await backend.authenticate({ authorization: gina.accessToken });
    const start = await backend.startSubscription(
      {
        query: 'subscription ($id: ID) { onImageProcessed(id: $id) { id status } }',
        variables: { id: 'img-1' },
      },
      caller,
    );
    if (!start.ok) throw new Error(JSON.stringify(start.errors));
    expect(start.subscriptionField).toBe('onImageProcessed');
    expect(start.arguments).toEqual({ id: 'img-1' });
    expect(start.project({ id: 'img-1', owner: gina.sub, status: 'COMPLETED', fileName: 'a.jpg' })).toEqual({
      data: { onImageProcessed: { id: 'img-1', status: 'COMPLETED' } },
    });
    expect(start.filter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'owner', operator: 'eq', value: gina.sub },
            { fieldName: 'id', operator: 'eq', value: 'img-1' },
          ],
        },
      ],
    });
    await expect(backend.authenticate({ authorization: 'not-a-token' })).rejects.toMatchObject({
      errorType: 'UnauthorizedException',
    });
  });

  it('refuses a request body over the size cap before running anything', async () => {
    const body = JSON.stringify({
      query: `{ listImages { items { id } } }`,
      padding: 'x'.repeat(1024 * 1024),
    });
    const response = await post(body, { authorization: 'irrelevant' });
    expect(response).toEqual({
      status: 413,
      body: { errors: [expect.objectContaining({ errorType: 'PayloadTooLargeException' })] },
    });
  });

  it('refuses an IAM caller the fields only Cognito may read', async () => {
    const body = JSON.stringify({ query: '{ listImages { items { id } } }' });
    const signed = await signedGraphqlRequest(endpoint, body, config().credentials);
    const response = await post(signed.body, signed.headers);
    expect(response.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access listImages on type Query',
    });
    expect(response.body.data).toBeNull();
  });

  it('answers 401 without credentials, with an expired or forged token (cognito-local’s published key included), and with a tampered signature', async () => {
    const query = JSON.stringify({ query: '{ listImages { items { id } } }' });
    const unauthorized = { errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }] };
    expect(await post(query, {})).toEqual({ status: 401, body: unauthorized });

    const frank = await signIn('frank@example.com');
    const claims = decodeJwt(frank.accessToken);
    const otherKey = await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(otherKey.privateKey);
    expect(await post(query, { authorization: forged })).toEqual({ status: 401, body: unauthorized });

    // cognito-local ships its private key: a token it signs must not pass for the pool's.
    const publishedJwk = await import('cognito-local/lib/keys/cognitoLocal.private.json', {
      with: { type: 'json' },
    });
    const publishedKey = await importJWK(publishedJwk.default.jwk, 'RS256');
    const withPublishedKey = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(publishedKey);
    expect(await post(query, { authorization: withPublishedKey })).toEqual({
      status: 401,
      body: unauthorized,
    });

    const poolKey = await loadSigningKey(path.join(dataDir, 'cognito'));
    const expired = await poolKey.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await post(query, { authorization: expired })).toEqual({
      status: 401,
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] },
    });

    const signed = await signedGraphqlRequest(endpoint, query, config().credentials);
    const tampered = query.replace('listImages', 'getImage');
    expect((await post(tampered, signed.headers)).status).toBe(401);
  });
});
