import { describe, expect, it } from 'vitest';
import { keys, names } from './names.ts';
import { type EventPattern, matchesPattern, uploadCreatedPattern } from './upload-rule.ts';

/** An S3 "Object Created" event as EventBridge delivers it. */
function objectCreated(bucket: string, key: string) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: '2026-11-24T00:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PostObject',
    },
  };
}

describe('uploadCreatedPattern', () => {
  const pattern = uploadCreatedPattern(names.localBucket);

  it('matches an original uploaded to the bucket', () => {
    expect(matchesPattern(pattern, objectCreated(names.localBucket, keys.original('sub-1', '01J0')))).toBe(
      true,
    );
  });

  it('ignores thumbnails the pipeline writes, other buckets and other event types', () => {
    expect(
      matchesPattern(pattern, objectCreated(names.localBucket, keys.thumbnail('s', 'i', 'small', 'jpg'))),
    ).toBe(false);
    expect(matchesPattern(pattern, objectCreated('someone-else', keys.original('s', 'i')))).toBe(false);
    expect(
      matchesPattern(pattern, {
        ...objectCreated(names.localBucket, 'uploads/x'),
        'detail-type': 'Object Deleted',
      }),
    ).toBe(false);
  });

  it('is the raw EventBridge form that CDK passes through', () => {
    expect(pattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [names.localBucket] }, object: { key: [{ prefix: 'uploads/' }] } },
    });
  });
});

describe('matchesPattern', () => {
  const event = { source: 'app', detail: { n: 5, tags: ['a', 'b'], name: 'Photo.JPG', gone: null } };

  it('matches exact values, any of a list, and arrays in the event', () => {
    expect(matchesPattern({ source: ['other', 'app'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['other'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { tags: ['b'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { tags: ['c'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { gone: [null] } }, event)).toBe(true);
    // Types are not coerced: 5 is not "5".
    expect(matchesPattern({ detail: { n: ['5'] } }, event)).toBe(false);
  });

  it('requires every field, and a nested pattern needs an object', () => {
    expect(matchesPattern({ source: ['app'], detail: { n: [6] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { name: { first: ['P'] } } }, event)).toBe(false);
    expect(matchesPattern({ missing: ['x'] }, event)).toBe(false);
  });

  it('supports prefix, suffix and equals-ignore-case on strings only', () => {
    expect(matchesPattern({ detail: { name: [{ prefix: 'Pho' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { name: [{ suffix: '.JPG' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { name: [{ suffix: '.png' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { name: [{ 'equals-ignore-case': 'photo.jpg' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { n: [{ prefix: '5' }] } }, event)).toBe(false);
  });

  it('supports anything-but with a value, a list, or a prefix, and never matches a missing field', () => {
    expect(matchesPattern({ source: [{ 'anything-but': 'app' }] }, event)).toBe(false);
    expect(matchesPattern({ source: [{ 'anything-but': ['x', 'y'] }] }, event)).toBe(true);
    expect(matchesPattern({ detail: { name: [{ 'anything-but': { prefix: 'Ph' } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { absent: [{ 'anything-but': 'x' }] } }, event)).toBe(false);
  });

  it('supports exists on leaves', () => {
    expect(matchesPattern({ detail: { name: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { absent: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { name: [{ exists: false }] } }, event)).toBe(false);
    // `exists` is about leaves: an object-valued field does not count.
    expect(matchesPattern({ detail: [{ exists: true }] } as EventPattern, event)).toBe(false);
  });

  it('supports numeric ranges and rejects malformed ones', () => {
    expect(matchesPattern({ detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { n: [{ numeric: ['<', 5] }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { n: [{ numeric: ['=', 5] }] } }, event)).toBe(true);
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['>'] }] } }, event)).toThrow(/operator\/operand/);
  });
});
