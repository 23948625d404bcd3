/**
 * The local AppSync over HTTP with the real aws-amplify v6 client: two users run every query and
 * mutation and never see each other's images; the pipeline's IAM principal alone may publish.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { decodeJwt, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AmplifyOutputs, toResourcesConfig } from '../../client-sdk/amplify-config.ts';
import { signedGraphqlRequest } from '../../local/providers/appsync/testing/sign-iam.ts';
import { confirmationCode, stackInfo } from './support.ts';

const imageFields = 'id owner fileName contentType size status createdAt updatedAt thumbnails { key url }';
const requestUpload = `mutation ($input: RequestUploadInput!) {
  requestUpload(input: $input) { url fields expiresAt image { ${imageFields} } }
}`;
const getImage = `query ($id: ID!) { getImage(id: $id) { ${imageFields} } }`;
const listImages = `query ($limit: Int, $nextToken: String) {
  listImages(limit: $limit, nextToken: $nextToken) { items { id owner status } nextToken }
}`;
const deleteImage = `mutation ($id: ID!) { deleteImage(id: $id) { id owner status } }`;
const publishImageProcessed = `mutation ($owner: ID!, $id: ID!) {
  publishImageProcessed(owner: $owner, id: $id) { id owner status fileName }
}`;

interface GraphqlFailure {
  data?: Record<string, unknown> | null;
  errors: Array<{ errorType?: string; message: string }>;
}

/** aws-amplify's client.graphql, typed loosely: its generics are too deep for plain query strings. */
let graphql: (options: { query: string; variables: Record<string, unknown> }) => Promise<unknown>;
const password = 'Passw0rd!long';

async function as(email: string): Promise<{ sub: string; accessToken: string }> {
  await signOut();
  await signIn({ username: email, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  const session = await fetchAuthSession();
  const accessToken = session.tokens?.accessToken.toString() ?? '';
  return { sub: String(decodeJwt(accessToken).sub), accessToken };
}

async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const result = (await graphql({ query, variables })) as { data: T };
  return result.data;
}

async function failure(query: string, variables: Record<string, unknown>): Promise<GraphqlFailure> {
  try {
    await graphql({ query, variables });
  } catch (thrown) {
    return thrown as GraphqlFailure;
  }
  throw new Error('the call succeeded');
}

async function rawPost(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(stackInfo().graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
}

const alice = `alice-${Date.now()}@example.com`;
const bob = `bob-${Date.now()}@example.com`;

beforeAll(async () => {
  const outputs = JSON.parse(
    await readFile(path.join(stackInfo().dataDir, 'amplify_outputs.json'), 'utf8'),
  ) as AmplifyOutputs;
  Amplify.configure(toResourcesConfig(outputs));
  const api = generateClient();
  graphql = <V extends Record<string, unknown>>(options: { query: string; variables: V }) =>
    api.graphql(options) as Promise<unknown>;
  for (const username of [alice, bob]) {
    const result = await signUp({ username, password, options: { userAttributes: { email: username } } });
    expect(result.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    await confirmSignUp({ username, confirmationCode: await confirmationCode(username) });
  }
});

describe('the local AppSync with aws-amplify v6', () => {
  it("runs every query and mutation for its owner and never shows one user another's image", async () => {
    const a = await as(alice);
    const ticket = await call<{
      requestUpload: { url: string; fields: string; image: { id: string; owner: string; status: string } };
    }>(requestUpload, { input: { fileName: 'cat.jpg', contentType: 'image/jpeg', size: 1234 } });
    const { image } = ticket.requestUpload;
    expect(image).toMatchObject({ owner: a.sub, status: 'PENDING_UPLOAD' });
    expect(typeof JSON.parse(ticket.requestUpload.fields)).toBe('object');

    expect((await call<{ getImage: { id: string } }>(getImage, { id: image.id })).getImage).toMatchObject({
      id: image.id,
      owner: a.sub,
    });
    const listed = await call<{ listImages: { items: Array<{ id: string }> } }>(listImages, {});
    expect(listed.listImages.items.map((i) => i.id)).toContain(image.id);

    const b = await as(bob);
    expect(b.sub).not.toBe(a.sub);
    expect(await call(getImage, { id: image.id })).toEqual({ getImage: null });
    expect(await call(listImages, {})).toEqual({ listImages: { items: [], nextToken: null } });
    const notFound = await failure(deleteImage, { id: image.id });
    expect(notFound.errors[0]?.errorType).toBe('NotFound');
    const unauthorized = await failure(publishImageProcessed, { owner: a.sub, id: image.id });
    expect(unauthorized.errors[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access publishImageProcessed on type Mutation',
    });
    expect(unauthorized.data).toEqual({ publishImageProcessed: null });

    await as(alice);
    const deleted = await call<{ deleteImage: { id: string; owner: string } }>(deleteImage, { id: image.id });
    expect(deleted.deleteImage).toMatchObject({ id: image.id, owner: a.sub });
    expect(await call(getImage, { id: image.id })).toEqual({ getImage: null });
  });

  it('returns the stored image to an IAM-signed publishImageProcessed call', async () => {
    const a = await as(alice);
    const ticket = await call<{ requestUpload: { image: { id: string } } }>(requestUpload, {
      input: { fileName: 'dog.png', contentType: 'image/png', size: 99 },
    });
    const id = ticket.requestUpload.image.id;
    const { accessKeyId, secretAccessKey, graphqlUrl } = stackInfo();
    const body = JSON.stringify({ query: publishImageProcessed, variables: { owner: a.sub, id } });
    const signed = await signedGraphqlRequest(graphqlUrl, body, { accessKeyId, secretAccessKey });
    expect(await rawPost(signed.body, signed.headers)).toEqual({
      status: 200,
      body: {
        data: { publishImageProcessed: { id, owner: a.sub, status: 'PENDING_UPLOAD', fileName: 'dog.png' } },
      },
    });
  });

  it('keeps working after Amplify refreshes its tokens (GetTokensFromRefreshToken)', async () => {
    const before = await as(bob);
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    const accessToken = refreshed.tokens?.accessToken.toString() ?? '';
    expect(accessToken).not.toBe(before.accessToken);
    expect(decodeJwt(accessToken).sub).toBe(before.sub);
    expect(await call(listImages, {})).toEqual({ listImages: { items: [], nextToken: null } });
  });

  it('refuses expired and forged tokens with a 401 and no data', async () => {
    const a = await as(alice);
    const claims = decodeJwt(a.accessToken);
    const body = JSON.stringify({ query: listImages, variables: {} });
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
    const forged = await new SignJWT({ ...claims, sub: 'someone-else' })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(otherKey.privateKey);
    const privateJwk = await import('cognito-local/lib/keys/cognitoLocal.private.json', {
      with: { type: 'json' },
    });
    const { importJWK } = await import('jose');
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(await importJWK(privateJwk.default.jwk, 'RS256'));
    for (const token of [forged, expired]) {
      const response = await rawPost(body, { authorization: token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }],
      });
    }
    expect((await rawPost(body, { authorization: a.accessToken })).status).toBe(200);
  });
});
