import { describe, expect, it } from 'vitest';
import { signingKey, signString } from '../../sigv4.ts';
import { checkPostPolicy } from './policy.ts';

const secret = 'darkroom-local-secret';
const secretFor = (id: string) => (id === 'darkroom-local' ? secret : undefined);
const now = new Date('2026-11-24T01:00:00Z');
const scope = { date: '20261124', region: 'us-east-1', service: 's3' };

/** A form signed the way createPresignedPost signs it, from a raw policy text. */
function aSignedForm(policyText: string, fields: Record<string, string> = {}): Map<string, string> {
  const policy = Buffer.from(policyText).toString('base64');
  const entries: Record<string, string> = {
    key: 'uploads/o/i/original',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': `darkroom-local/${scope.date}/${scope.region}/s3/aws4_request`,
    'x-amz-date': '20261124T005500Z',
    policy,
    'x-amz-signature': signString(signingKey(secret, scope), policy),
    ...fields,
  };
  return new Map(Object.entries(entries));
}

function aPolicy(conditions: unknown[], expiration = '2026-11-24T01:05:00Z'): string {
  const signatureFields = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date'].map((name) => [
    'starts-with',
    `$${name}`,
    '',
  ]);
  return JSON.stringify({ expiration, conditions: [...signatureFields, ...conditions] });
}

describe('checkPostPolicy', () => {
  it('accepts a starts-with key condition and a size inside the range', () => {
    // Prepare
    const fields = aSignedForm(
      aPolicy([
        ['starts-with', '$key', 'uploads/o/'],
        ['content-length-range', 1, 100],
      ]),
    );

    // Act
    const result = checkPostPolicy({ bucket: 'b', fields, fileSize: 100, now, secretFor });

    // Assess
    expect(result).toEqual({ accessKeyId: 'darkroom-local' });
  });

  it('refuses a key outside the starts-with prefix', () => {
    // Prepare
    const fields = aSignedForm(aPolicy([['starts-with', '$key', 'uploads/other/']]));

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'b', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'AccessDenied',
        status: 403,
        message:
          'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/other/"]',
      }),
    );
  });

  it('refuses a policy that is not JSON with InvalidPolicyDocument', () => {
    // Prepare
    const fields = aSignedForm('{not json');

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'b', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(expect.objectContaining({ code: 'InvalidPolicyDocument', status: 400 }));
  });

  it('refuses a policy without an expiration', () => {
    // Prepare
    const fields = aSignedForm(JSON.stringify({ conditions: [] }));

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'b', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({ message: 'Invalid Policy: Policy missing expiration.' }),
    );
  });

  it('refuses a form without a key field', () => {
    // Prepare
    const fields = aSignedForm(aPolicy([]));
    fields.delete('key');

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'b', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(expect.objectContaining({ code: 'InvalidArgument', status: 400 }));
  });

  it('refuses an unknown access key with InvalidAccessKeyId', () => {
    // Prepare
    const fields = aSignedForm(aPolicy([['starts-with', '$key', '']]), {
      'x-amz-credential': `someone/${scope.date}/${scope.region}/s3/aws4_request`,
    });

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'b', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(expect.objectContaining({ code: 'InvalidAccessKeyId', status: 403 }));
  });

  it('checks the bucket condition against the bucket posted to', () => {
    // Prepare
    const fields = aSignedForm(aPolicy([{ bucket: 'darkroom-images-local' }, ['starts-with', '$key', '']]));

    // Act
    const attempt = () => checkPostPolicy({ bucket: 'another-bucket', fields, fileSize: 1, now, secretFor });

    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({
        message:
          'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "darkroom-images-local"]',
      }),
    );
  });
});
