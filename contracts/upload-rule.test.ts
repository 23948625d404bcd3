import { describe, expect, it } from 'vitest';
import { objectCreated } from '../tests/object-created.ts';
import { keys, names } from './names.ts';
import { type EventPattern, matchesPattern, uploadCreatedPattern } from './upload-rule.ts';

describe('uploadCreatedPattern', () => {
  const pattern = uploadCreatedPattern(names.localBucket);

  it('matches an original uploaded to the bucket', () => {
    expect(matchesPattern(pattern, objectCreated(names.localBucket, keys.original('sub-1', '01J0')))).toBe(
      true,
    );
  });

  it('ignores thumbnails the pipeline writes, other buckets and other event types', () => {
    expect(
      matchesPattern(
        pattern,
        objectCreated(names.localBucket, keys.thumbnail('s', 'i', 'small', 'jpg', '0123456789abcdef')),
      ),
    ).toBe(false);
    expect(matchesPattern(pattern, objectCreated('someone-else', keys.original('s', 'i')))).toBe(false);
    expect(
      matchesPattern(pattern, {
        ...objectCreated(names.localBucket, 'uploads/x'),
        'detail-type': 'Object Deleted',
      }),
    ).toBe(false);
  });

  it('ignores a server-side copy into uploads/, so an original moved back from quarantine is not processed again', () => {
    const copied = objectCreated(names.localBucket, keys.original('s', 'i'));
    expect(matchesPattern(pattern, { ...copied, detail: { ...copied.detail, reason: 'CopyObject' } })).toBe(
      false,
    );
    expect(matchesPattern(pattern, { ...copied, detail: { ...copied.detail, reason: 'PutObject' } })).toBe(
      true,
    );
  });

  it('is the raw EventBridge form that CDK passes through', () => {
    expect(pattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [names.localBucket] },
        object: { key: [{ prefix: 'uploads/' }] },
        reason: [{ 'anything-but': 'CopyObject' }],
      },
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
