/**
 * S3's POST policy: the SigV4 signature over the base64 policy, then the policy itself —
 * expiration, every condition, no unlisted field, the content-length-range — with S3's codes.
 */
import { parseAmzDate, signaturesEqual, signingKey, signString } from '../../sigv4.ts';
import { S3Error, s3Errors } from './errors.ts';

export interface PolicyCheck {
  bucket: string;
  /** Form fields by lower-case name (S3 matches form field names case-insensitively). */
  fields: ReadonlyMap<string, string>;
  fileSize: number;
  now: Date;
  secretFor: (accessKeyId: string) => string | undefined;
}

/** Fields a policy need not list. */
const unlistedFields = new Set(['policy', 'x-amz-signature', 'file']);

function missingField(name: string): S3Error {
  return s3Errors.invalidArgument(
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    name,
  );
}

function policyFailure(detail: string): S3Error {
  return s3Errors.accessDenied(`Invalid according to Policy: ${detail}`);
}

function invalidPolicy(detail: string): S3Error {
  return new S3Error('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
}

/** S3 quotes a failed condition as a JSON array with spaces after commas. */
function describe(condition: unknown[]): string {
  return `[${condition.map((part) => JSON.stringify(part)).join(', ')}]`;
}

function verifySignature(check: PolicyCheck, policy: string): string {
  const field = (name: string) => {
    const value = check.fields.get(name.toLowerCase());
    if (value === undefined) throw missingField(name);
    return value;
  };
  const algorithm = field('X-Amz-Algorithm');
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw s3Errors.invalidArgument('Only AWS4-HMAC-SHA256 is supported', 'X-Amz-Algorithm', algorithm);
  }
  const credential = field('X-Amz-Credential');
  const amzDate = field('X-Amz-Date');
  const signature = field('X-Amz-Signature');
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    throw s3Errors.invalidArgument(`Invalid credential: ${credential}`, 'X-Amz-Credential', credential);
  }
  if (!parseAmzDate(amzDate) || amzDate.slice(0, 8) !== date) {
    throw s3Errors.invalidArgument(`Invalid X-Amz-Date: ${amzDate}`, 'X-Amz-Date', amzDate);
  }
  const secret = check.secretFor(accessKeyId);
  if (secret === undefined) {
    throw new S3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      403,
      {
        AWSAccessKeyId: accessKeyId,
      },
    );
  }
  const expected = signString(signingKey(secret, { date, region, service }), policy);
  if (!signaturesEqual(expected, signature)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
    );
  }
  return accessKeyId;
}

interface PolicyDocument {
  expiration: Date;
  conditions: unknown[];
}

function decodePolicy(policy: string): PolicyDocument {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const expiresAt = typeof expiration === 'string' ? new Date(expiration) : new Date(Number.NaN);
  if (Number.isNaN(expiresAt.getTime()))
    throw invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: expiresAt, conditions };
}

/** A condition in array form; `{field: value}` is `["eq", "$field", value]`. */
function normalise(condition: unknown): unknown[] {
  if (Array.isArray(condition)) return condition;
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    const [entry] = entries;
    if (entries.length === 1 && entry && typeof entry[1] === 'string')
      return ['eq', `$${entry[0]}`, entry[1]];
  }
  throw invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`);
}

/**
 * Checks a POST upload against its signed policy; throws the S3Error S3 would answer with.
 * Returns the access key that signed it.
 */
export function checkPostPolicy(check: PolicyCheck): { accessKeyId: string } {
  if (!check.fields.has('key')) throw missingField('key');
  const policy = check.fields.get('policy');
  // The bucket blocks public access: an upload without a signed policy is anonymous.
  if (policy === undefined) throw s3Errors.accessDenied();
  const accessKeyId = verifySignature(check, policy);
  const document = decodePolicy(policy);
  if (check.now.getTime() > document.expiration.getTime()) throw policyFailure('Policy expired.');

  const fieldValue = (name: string) => (name === 'bucket' ? check.bucket : (check.fields.get(name) ?? ''));
  const listed = new Set<string>();
  let lengthRange: [number, number] | undefined;
  for (const raw of document.conditions) {
    const condition = normalise(raw);
    const [operator, target, expected] = condition;
    if (typeof operator === 'string' && operator.toLowerCase() === 'content-length-range') {
      const [min, max] = [Number(target), Number(expected)];
      if (!Number.isInteger(min) || !Number.isInteger(max))
        throw invalidPolicy(`Invalid content-length-range: ${describe(condition)}`);
      lengthRange = [min, max];
      continue;
    }
    if (
      typeof target !== 'string' ||
      !target.startsWith('$') ||
      typeof expected !== 'string' ||
      condition.length !== 3
    ) {
      throw invalidPolicy(`Invalid Condition: ${describe(condition)}`);
    }
    const name = target.slice(1).toLowerCase();
    listed.add(name);
    const actual = fieldValue(name);
    const op = typeof operator === 'string' ? operator.toLowerCase() : '';
    if (op === 'eq') {
      if (actual !== expected) throw policyFailure(`Policy Condition failed: ${describe(condition)}`);
    } else if (op === 'starts-with') {
      // For Content-Type, S3 accepts a comma-separated list where each must start with the prefix.
      const values = name === 'content-type' ? actual.split(',').map((v) => v.trim()) : [actual];
      if (!values.every((value) => value.startsWith(expected))) {
        throw policyFailure(`Policy Condition failed: ${describe(condition)}`);
      }
    } else {
      throw invalidPolicy(`Invalid Condition: ${describe(condition)}`);
    }
  }

  const extra = [...check.fields.keys()].filter(
    (name) => !unlistedFields.has(name) && !name.startsWith('x-ignore-') && !listed.has(name),
  );
  if (extra.length > 0) throw policyFailure(`Extra input fields: ${extra.join(', ')}`);

  if (lengthRange) {
    const [min, max] = lengthRange;
    if (check.fileSize < min) {
      throw new S3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          ProposedSize: check.fileSize,
          MinSizeAllowed: min,
        },
      );
    }
    if (check.fileSize > max) {
      throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
        ProposedSize: check.fileSize,
        MaxSizeAllowed: max,
      });
    }
  }
  return { accessKeyId };
}
