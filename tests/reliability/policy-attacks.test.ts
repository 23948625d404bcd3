/**
 * Upload-policy attacks on real tickets from requestUpload: each POST is refused with S3's code,
 * nothing is stored under the image's key and the image still waits for its upload.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { clientsFor, type StackClients } from '../integration/support.ts';
import { createUser, type TestUser } from '../integration/users.ts';
import { printSummary, record } from './summary.ts';
import { imageOf, post, requestUpload, type Ticket } from './upload-flow.ts';

let user: TestUser;
let victim: TestUser;
let clients: StackClients;
let jpeg: Buffer;

beforeAll(async () => {
  [user, victim] = await Promise.all([createUser('attacker'), createUser('victim')]);
  clients = clientsFor();
  jpeg = await sharp(photo('chelsea.png')).resize(200).jpeg().toBuffer();
});

afterAll(() => printSummary('upload-policy attacks'));

const codeOf = async (response: Response) =>
  `${response.status} ${/<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1] ?? '?'}`;

function flip(text: string, at = 10): string {
  const character = text[at] === 'a' ? 'b' : 'a';
  return `${text.slice(0, at)}${character}${text.slice(at + 1)}`;
}

const stored = (key: string) =>
  clients.s3.send(new HeadObjectCommand({ Bucket: names.localBucket, Key: key })).then(
    () => true,
    () => false,
  );

interface Attack {
  name: string;
  expected: string;
  /** Changes the ticket and/or the file; returns the POST's response. */
  run(ticket: Ticket): Promise<Response>;
}

const attacks: Attack[] = [
  {
    name: 'another content type than declared',
    expected: '403 AccessDenied',
    run: (ticket) =>
      post({ ...ticket, fields: { ...ticket.fields, 'Content-Type': 'image/png' } }, jpeg, 'image/png'),
  },
  {
    name: 'a file larger than declared',
    expected: '400 EntityTooLarge',
    run: (ticket) => post(ticket, Buffer.concat([jpeg, Buffer.alloc(1)]), 'image/jpeg'),
  },
  {
    name: 'an empty file',
    expected: '400 EntityTooSmall',
    run: (ticket) => post(ticket, Buffer.alloc(0), 'image/jpeg'),
  },
  {
    name: "another user's key",
    expected: '403 AccessDenied',
    run: (ticket) =>
      post(
        { ...ticket, fields: { ...ticket.fields, key: keys.original(victim.sub, ticket.id) } },
        jpeg,
        'image/jpeg',
      ),
  },
  {
    name: 'a key outside uploads/',
    expected: '403 AccessDenied',
    run: (ticket) =>
      post(
        { ...ticket, fields: { ...ticket.fields, key: `thumbnails/${user.sub}/x/small.jpg` } },
        jpeg,
        'image/jpeg',
      ),
  },
  {
    name: 'a tampered signature',
    expected: '403 SignatureDoesNotMatch',
    run: (ticket) =>
      post(
        {
          ...ticket,
          fields: { ...ticket.fields, 'X-Amz-Signature': flip(ticket.fields['X-Amz-Signature'] ?? '') },
        },
        jpeg,
        'image/jpeg',
      ),
  },
  {
    name: 'a tampered policy (a larger size range)',
    expected: '403 SignatureDoesNotMatch',
    run: (ticket) => {
      const policy = JSON.parse(Buffer.from(ticket.fields.Policy ?? '', 'base64').toString('utf8')) as {
        conditions: unknown[];
      };
      policy.conditions = policy.conditions.map((condition) =>
        Array.isArray(condition) && condition[0] === 'content-length-range'
          ? ['content-length-range', 1, 1e9]
          : condition,
      );
      const Policy = Buffer.from(JSON.stringify(policy)).toString('base64');
      return post(
        { ...ticket, fields: { ...ticket.fields, Policy } },
        Buffer.concat([jpeg, jpeg]),
        'image/jpeg',
      );
    },
  },
  {
    name: 'an expired policy',
    expected: '403 AccessDenied',
    run: async (ticket) => {
      // Signed as create-upload signs, for the same key, with an expiry already past.
      const { url, fields } = await createPresignedPost(clients.s3, {
        Bucket: names.localBucket,
        Key: ticket.fields.key ?? '',
        Conditions: [
          ['content-length-range', 1, jpeg.length],
          ['eq', '$Content-Type', 'image/jpeg'],
        ],
        Fields: { 'Content-Type': 'image/jpeg' },
        Expires: -60,
      });
      return post({ url, fields }, jpeg, 'image/jpeg');
    },
  },
];

describe('upload-policy attacks', () => {
  for (const attack of attacks) {
    it(`refuses ${attack.name}, storing nothing`, async () => {
      const ticket = await requestUpload(user, 'image/jpeg', jpeg.length);
      const actual = await codeOf(await attack.run(ticket));
      record({ area: 'upload policy', case: attack.name, expected: attack.expected, actual });

      expect(actual).toBe(attack.expected);
      expect(await stored(ticket.fields.key ?? '')).toBe(false);
      expect(await stored(keys.original(victim.sub, ticket.id))).toBe(false);
      expect((await imageOf(user, ticket.id))?.status).toBe('PENDING_UPLOAD');
    });
  }
});
