import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { presignUpload, type UploadRequest } from './presign.ts';

const bucket = 'darkroom-images-test';

function anUploadRequest(overrides: Partial<UploadRequest> = {}): UploadRequest {
  return {
    owner: '5f2c8a1e-0000-4000-8000-000000000001',
    id: '01JDARKROOM0000000000000001',
    contentType: 'image/png',
    size: 123_456,
    ...overrides,
  };
}

function anS3Client(endpoint?: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

interface Policy {
  expiration: string;
  conditions: Array<unknown>;
}

function decodePolicy(fields: Record<string, string>): Policy {
  return JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as Policy;
}

describe('presignUpload', () => {
  it('signs a POST policy bounded by the declared size, the exact content type and the original key', async () => {
    // Prepare
    const request = anUploadRequest({ contentType: 'image/webp', size: 2048 });
    const before = Date.now();

    // Act
    const ticket = await presignUpload(anS3Client(), { bucket, now: () => new Date() }, request);

    // Assess
    const policy = decodePolicy(ticket.fields);
    const key = `uploads/${request.owner}/${request.id}/original`;
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 2048]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/webp']);
    expect(policy.conditions).toContainEqual({ key });
    expect(policy.conditions).toContainEqual({ bucket });
    expect(ticket.fields.key).toBe(key);
    expect(ticket.fields['Content-Type']).toBe('image/webp');
    expect(ticket.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(ticket.fields['X-Amz-Credential']).toMatch(/^AKIDTEST\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    const fiveMinutes = 5 * 60 * 1000;
    const expiration = Date.parse(policy.expiration);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + fiveMinutes);
    expect(expiration).toBeLessThanOrEqual(Date.now() + fiveMinutes);
  });

  it('reports the expiry five minutes after the clock it is given', async () => {
    // Prepare
    const issuedAt = new Date('2026-11-24T10:00:00.000Z');

    // Act
    const ticket = await presignUpload(anS3Client(), { bucket, now: () => issuedAt }, anUploadRequest());

    // Assess
    expect(ticket.expiresAt).toBe('2026-11-24T10:05:00.000Z');
  });

  it('posts to the bucket path on a local endpoint', async () => {
    // Act
    const ticket = await presignUpload(
      anS3Client('http://127.0.0.1:4566'),
      { bucket, now: () => new Date() },
      anUploadRequest(),
    );

    // Assess
    expect(ticket.url).toBe(`http://127.0.0.1:4566/${bucket}`);
  });
});
