/**
 * The authorization matrix: every GraphQL query and mutation × owner, another user, a moderator
 * (a member of the `moderators` group: it may list and decide FLAGGED images, issue 20, and has no
 * other rights over others' images), anonymous, an expired token, a forged token, the pipeline's
 * IAM principal and IAM with a wrong secret. Each cell states its expected outcome; the table is
 * printed at the end.
 */
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { stackInfo } from '../integration/support.ts';
import { createUser, signInUser, type TestUser } from '../integration/users.ts';
import { type Caller, graphqlAs, outcomeOf } from './graphql.ts';
import { printSummary, record } from './summary.ts';

const requestUpload = `mutation ($input: RequestUploadInput!) {
  requestUpload(input: $input) { url image { id owner status } }
}`;
const getImage = 'query ($id: ID!) { getImage(id: $id) { id owner } }';
const listImages = 'query { listImages(limit: 50) { items { id owner } } }';
const deleteImage = 'mutation ($id: ID!) { deleteImage(id: $id) { id status } }';
const publish = 'mutation ($owner: ID!, $id: ID!) { publishImageProcessed(owner: $owner, id: $id) { id } }';
const publishProgress =
  'mutation ($owner: ID!, $id: ID!) { publishImageProgress(owner: $owner, id: $id) { id } }';
const listFlaggedImages = 'query { listFlaggedImages(limit: 10) { items { id owner } } }';
const reviewImage = `mutation ($owner: ID!, $id: ID!) {
  reviewImage(owner: $owner, id: $id, decision: REJECT) { id status }
}`;

type Principal =
  | 'owner'
  | 'other user'
  | 'moderator'
  | 'anonymous'
  | 'expired token'
  | 'forged token'
  | 'IAM'
  | 'IAM wrong secret';
type Operation =
  | 'getImage'
  | 'listImages'
  | 'requestUpload'
  | 'deleteImage'
  | 'publishImageProcessed'
  | 'publishImageProgress'
  | 'listFlaggedImages'
  | 'reviewImage';

/** A request-level failure (missing, bad, expired or wrongly signed credential): AppSync's 401. */
const refused = 'http 401:UnauthorizedException';
const notIam = 'denied:Unauthorized';
/** Owner-scoped: another user's getImage answers null, their list never shows the image, delete fails. */
const expected: Record<Operation, Record<Principal, string>> = {
  getImage: {
    owner: 'ok',
    'other user': 'null',
    moderator: 'null',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
  listImages: {
    owner: 'sees it',
    'other user': 'does not see it',
    moderator: 'does not see it',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
  requestUpload: {
    owner: 'ok',
    'other user': 'ok',
    moderator: 'ok',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
  deleteImage: {
    owner: 'ok',
    'other user': 'denied:NotFound',
    moderator: 'denied:NotFound',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
  publishImageProcessed: {
    owner: notIam,
    'other user': notIam,
    moderator: notIam,
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: 'ok',
    'IAM wrong secret': refused,
  },
  // The milestone publish (issue 19): the pipeline's alone, like the terminal one.
  publishImageProgress: {
    owner: notIam,
    'other user': notIam,
    moderator: notIam,
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: 'ok',
    'IAM wrong secret': refused,
  },
  // Moderators only (`@aws_cognito_user_pools(cognito_groups: ["moderators"])`); IAM is another mode.
  listFlaggedImages: {
    owner: notIam,
    'other user': notIam,
    moderator: 'ok',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
  // The image is not FLAGGED: the moderator passes authorization and is told it is not reviewable.
  reviewImage: {
    owner: notIam,
    'other user': notIam,
    moderator: 'denied:NotReviewable',
    anonymous: refused,
    'expired token': refused,
    'forged token': refused,
    IAM: notIam,
    'IAM wrong secret': refused,
  },
};

let owner: TestUser;
const callers = {} as Record<Principal, Caller>;

async function forgedTokens(user: TestUser): Promise<{ forged: string; expired: string }> {
  const { decodeJwt } = await import('jose');
  const claims = decodeJwt(user.idToken);
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
  // The local pool's own key (cognito-local's, public in its package): only the expiry is wrong.
  const privateJwk = await import('cognito-local/lib/keys/cognitoLocal.private.json', {
    with: { type: 'json' },
  });
  const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
    .sign(await importJWK(privateJwk.default.jwk, 'RS256'));
  return { forged, expired };
}

beforeAll(async () => {
  const [a, b, created] = await Promise.all([
    createUser('owner'),
    createUser('other'),
    createUser('moderator'),
  ]);
  owner = a;
  // Into the group with the stack's credentials (what `darkroom admin add-moderator` does); the
  // group reaches the tokens at the next sign-in.
  const { url, accessKeyId, secretAccessKey, userPoolId } = stackInfo();
  const cognito = new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: created.username,
      GroupName: names.moderatorsGroup,
    }),
  );
  const m = { ...created, ...(await signInUser(created.username, created.password)) };
  const { forged, expired } = await forgedTokens(a);
  Object.assign(callers, {
    owner: { kind: 'token', token: a.idToken },
    'other user': { kind: 'token', token: b.idToken },
    moderator: { kind: 'token', token: m.idToken },
    anonymous: { kind: 'anonymous' },
    'expired token': { kind: 'token', token: expired },
    'forged token': { kind: 'token', token: forged },
    IAM: { kind: 'iam', secretAccessKey: stackInfo().secretAccessKey },
    'IAM wrong secret': { kind: 'iam', secretAccessKey: 'not-the-secret' },
  } satisfies Record<Principal, Caller>);
});

afterAll(() => printSummary('authorization matrix'));

/** A fresh image of the owner's, made through requestUpload. */
async function ownersImage(): Promise<string> {
  const response = await graphqlAs(callers.owner, requestUpload, {
    input: { fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000 },
  });
  const id = (response.body.data?.requestUpload as { image?: { id?: string } } | undefined)?.image?.id;
  if (!id) throw new Error(`requestUpload failed: ${JSON.stringify(response.body)}`);
  return id;
}

async function outcome(operation: Operation, principal: Principal, imageId: string): Promise<string> {
  const caller = callers[principal];
  switch (operation) {
    case 'getImage':
      return outcomeOf(await graphqlAs(caller, getImage, { id: imageId }), operation);
    case 'listImages': {
      const response = await graphqlAs(caller, listImages);
      const result = outcomeOf(response, operation);
      if (result !== 'ok') return result;
      const items = (response.body.data?.listImages as { items?: { id: string }[] } | undefined)?.items ?? [];
      return items.some((item) => item.id === imageId) ? 'sees it' : 'does not see it';
    }
    case 'requestUpload':
      return outcomeOf(
        await graphqlAs(caller, requestUpload, {
          input: { fileName: 'b.png', contentType: 'image/png', size: 10 },
        }),
        operation,
      );
    case 'deleteImage':
      return outcomeOf(await graphqlAs(caller, deleteImage, { id: imageId }), operation);
    case 'publishImageProcessed':
      return outcomeOf(await graphqlAs(caller, publish, { owner: owner.sub, id: imageId }), operation);
    case 'publishImageProgress':
      return outcomeOf(
        await graphqlAs(caller, publishProgress, { owner: owner.sub, id: imageId }),
        operation,
      );
    case 'listFlaggedImages':
      return outcomeOf(await graphqlAs(caller, listFlaggedImages), operation);
    case 'reviewImage':
      return outcomeOf(await graphqlAs(caller, reviewImage, { owner: owner.sub, id: imageId }), operation);
  }
}

describe('the authorization matrix', () => {
  for (const operation of Object.keys(expected) as Operation[]) {
    it(`${operation}: every caller gets exactly what it may`, async () => {
      const imageId = await ownersImage();
      // The owner's delete runs last: the others act on an image that still exists.
      const principals = (Object.keys(expected[operation]) as Principal[]).sort(
        (a, b) => Number(a === 'owner') - Number(b === 'owner'),
      );
      const results: Record<string, string> = {};
      for (const principal of principals) {
        const actual = await outcome(operation, principal, imageId);
        results[principal] = actual;
        record({
          area: 'authorization',
          case: `${operation} × ${principal}`,
          expected: expected[operation][principal],
          actual,
        });
      }
      expect(results).toEqual(expected[operation]);
    });
  }
});
