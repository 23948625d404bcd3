import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../../contracts/names.ts';
import { photo as fixturePhoto } from '../../../tests/fixtures.ts';
import { type Harness, startHarness } from './test-harness.ts';

const bucket = names.localBucket;
let h: Harness;
let photo: Buffer;

beforeAll(async () => {
  h = await startHarness(bucket);
  photo = await readFile(fixturePhoto('chelsea.png'));
});

afterAll(async () => {
  await h.close();
});

interface Ticket {
  url: string;
  fields: Record<string, string>;
}

/** A ticket as create-upload makes one: exact key and type, 1..declared size bytes. */
async function aTicket(key: string, declaredSize: number, expires = 300): Promise<Ticket> {
  return createPresignedPost(h.s3, {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['content-length-range', 1, declaredSize],
      ['eq', '$Content-Type', 'image/png'],
    ],
    Fields: { 'Content-Type': 'image/png' },
    Expires: expires,
  });
}

/** Posts the form as a browser does: every field, then the file last. */
async function post(ticket: Ticket, file: Buffer, overrides: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...ticket.fields, ...overrides })) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file)], { type: 'image/png' }), 'chelsea.png');
  return fetch(ticket.url, { method: 'POST', body: form, headers: { origin: 'http://localhost:5173' } });
}

async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

describe('browser POST upload', () => {
  it('stores a valid upload and emits a POST Object event with its key and size', async () => {
    // Prepare
    const key = keys.original('owner-1', '01JDARKROOMPOST000000000001');
    const ticket = await aTicket(key, photo.length);
    const before = h.events.length;

    // Act
    const response = await post(ticket, photo);

    // Assess
    expect(response.status).toBe(204);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const events = h.events.slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({
      bucket: { name: bucket },
      object: { key, size: photo.length },
      reason: 'POST Object',
    });
    const stored = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(stored.ContentType).toBe('image/png');
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(photo)).toBe(true);
  });

  it('answers 201 with a PostResponse when success_action_status asks for it', async () => {
    // Prepare
    const key = 'uploads/owner-1/status/original';
    const ticket = await createPresignedPost(h.s3, {
      Bucket: bucket,
      Key: key,
      Conditions: [['eq', '$success_action_status', '201']],
      Fields: { success_action_status: '201' },
    });

    // Act
    const response = await post(ticket, photo);

    // Assess
    expect(response.status).toBe(201);
    const body = await response.text();
    expect(body).toContain(`<Key>${key}</Key>`);
    expect(body).toContain(`<Bucket>${bucket}</Bucket>`);
  });

  it('puts the file name in place of the filename variable within a starts-with key condition', async () => {
    // Prepare
    const ticket = await createPresignedPost(h.s3, {
      Bucket: bucket,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder, not a template
      Key: 'uploads/owner-1/named/${filename}',
    });

    // Act
    const response = await post(ticket, photo);

    // Assess
    expect(response.status).toBe(204);
    expect(response.headers.get('location')).toMatch(/\/uploads\/owner-1\/named\/chelsea\.png$/);
  });

  it('rejects a POST larger than the declared size with EntityTooLarge', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/big/original', photo.length - 1);
    const before = h.events.length;

    // Act
    const response = await post(ticket, photo);

    // Assess
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('EntityTooLarge');
    expect(h.events.length).toBe(before);
  });

  it('rejects an empty file with EntityTooSmall', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/empty/original', photo.length);

    // Act
    const response = await post(ticket, Buffer.alloc(0));

    // Assess
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('EntityTooSmall');
  });

  it('rejects a different Content-Type with AccessDenied naming the failed condition', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/type/original', photo.length);
    const before = h.events.length;

    // Act
    const response = await post(ticket, photo, { 'Content-Type': 'text/html' });

    // Assess
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toContain(
      'Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$Content-Type&quot;, &quot;image/png&quot;]',
    );
    expect(h.events.length).toBe(before);
  });

  it('rejects a tampered signature with SignatureDoesNotMatch', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/sig/original', photo.length);
    const signature = ticket.fields['X-Amz-Signature'] ?? '';
    const tampered = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    const before = h.events.length;

    // Act
    const response = await post(ticket, photo, { 'X-Amz-Signature': tampered });

    // Assess
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
    expect(h.events.length).toBe(before);
  });

  it('rejects a policy whose conditions were edited after signing', async () => {
    // Prepare: widen the size range inside the policy, keep the old signature.
    const ticket = await aTicket('uploads/owner-1/policy/original', 10);
    const policy = JSON.parse(Buffer.from(ticket.fields.Policy ?? '', 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    policy.conditions = policy.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10_000_000] : c,
    );

    // Act
    const response = await post(ticket, photo, {
      Policy: Buffer.from(JSON.stringify(policy)).toString('base64'),
    });

    // Assess
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
  });

  it('rejects a different key with AccessDenied', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/mine/original', photo.length);
    const before = h.events.length;

    // Act
    const response = await post(ticket, photo, { key: 'uploads/owner-2/theirs/original' });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Policy Condition failed: [&quot;eq&quot;, &quot;$key&quot;');
    expect(h.events.length).toBe(before);
  });

  it('rejects a field the policy does not list', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/extra/original', photo.length);

    // Act
    const response = await post(ticket, photo, { 'x-amz-meta-owner': 'someone-else' });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Extra input fields: x-amz-meta-owner');
  });

  it('checks a Content-MD5 form field against the file: InvalidDigest when malformed, BadDigest when of other bytes', async () => {
    // Prepare
    const key = 'uploads/owner-1/digest/original';
    const ticket = await createPresignedPost(h.s3, {
      Bucket: bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, photo.length],
        ['eq', '$Content-Type', 'image/png'],
        ['starts-with', '$Content-MD5', ''],
      ],
      Fields: { 'Content-Type': 'image/png' },
    });
    const before = h.events.length;

    // Act
    const malformed = await post(ticket, photo, { 'Content-MD5': 'not-an-md5' });
    const mismatched = await post(ticket, photo, {
      'Content-MD5': createHash('md5').update('other bytes').digest('base64'),
    });
    const rejectedEvents = h.events.length - before;
    const matching = await post(ticket, photo, {
      'Content-MD5': createHash('md5').update(photo).digest('base64'),
    });

    // Assess
    expect([malformed.status, await errorCode(malformed)]).toEqual([400, 'InvalidDigest']);
    expect([mismatched.status, await errorCode(mismatched)]).toEqual([400, 'BadDigest']);
    expect(rejectedEvents).toBe(0);
    expect(matching.status).toBe(204);
    expect(h.events.length).toBe(before + 1);
  });

  it('rejects an upload after the policy expired', async () => {
    // Prepare
    const ticket = await aTicket('uploads/owner-1/late/original', photo.length, 1);
    const before = h.events.length;
    h.advanceClock(2_000);

    // Act
    const response = await post(ticket, photo);
    h.advanceClock(-2_000);

    // Assess
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toContain('Invalid according to Policy: Policy expired.');
    expect(h.events.length).toBe(before);
  });

  it('rejects a form without a signed policy', async () => {
    // Prepare
    const form = new FormData();
    form.append('key', 'uploads/anonymous/original');
    form.append('file', new Blob([new Uint8Array(photo)]), 'x.png');

    // Act
    const response = await fetch(`${h.endpoint}/${bucket}`, { method: 'POST', body: form });

    // Assess
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('AccessDenied');
  });
});

describe('the answer to an upload waits for its event', () => {
  it('answers 204 only after the event hook resolved (the event is durable)', async () => {
    const durable: string[] = [];
    const held = await startHarness(bucket, undefined, undefined, async (event) => {
      await new Promise((resolve) => setImmediate(resolve));
      durable.push(event.detail.object.key);
    });
    try {
      const key = keys.original('owner-1', '01JDARKROOMPOSTDURABLE00001');
      const ticket = await createPresignedPost(held.s3, {
        Bucket: bucket,
        Key: key,
        Conditions: [['content-length-range', 1, photo.length]],
        Expires: 300,
      });
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(photo)]), 'chelsea.png');

      const response = await fetch(ticket.url, { method: 'POST', body: form });

      expect(response.status).toBe(204);
      expect(durable).toEqual([key]);
    } finally {
      await held.close();
    }
  });

  it('answers 503 ServiceUnavailable, which clients retry, when the event could not be made durable', async () => {
    const refusing = await startHarness(bucket, undefined, undefined, async () => {
      throw new Error('queue unavailable');
    });
    try {
      const key = keys.original('owner-1', '01JDARKROOMPOSTDURABLE00002');
      const ticket = await createPresignedPost(refusing.s3, {
        Bucket: bucket,
        Key: key,
        Conditions: [['content-length-range', 1, photo.length]],
        Expires: 300,
      });
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(photo)]), 'chelsea.png');

      const response = await fetch(ticket.url, { method: 'POST', body: form });

      expect(response.status).toBe(503);
      expect(await errorCode(response)).toBe('ServiceUnavailable');
    } finally {
      await refusing.close();
    }
  });
});
