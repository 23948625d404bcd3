import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aStoredImage } from '../test-support/stored-images.ts';
import { findDuplicate, inheritedReview, type ReusableImage, readReusableImage } from './duplicates.ts';

const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
);
const dynamo = mockClient(documents);
const deps = { documents, tableName: 'Images' };

const owner = 'owner-a';
const sha256 = 'c0ffee'.padEnd(64, '0');
const placeholder = { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' };

/** The byOwnerContent index answers these keys for `owner#sha256`, and the table holds `items`. */
function given(indexed: Record<string, string[]>, items: Array<Record<string, unknown>>) {
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
    Items: (indexed[input.ExpressionAttributeValues[':ownerContent'] ?? ''] ?? []).map((id) => ({
      owner: id.split('/')[0],
      id: id.split('/')[1],
    })),
  }));
  dynamo.on(GetCommand).callsFake((input: { Key: { owner: string; id: string } }) => ({
    Item: items.find((item) => item.owner === input.Key.owner && item.id === input.Key.id),
  }));
}

const settled = (id: string, status: 'COMPLETED' | 'FLAGGED' | 'FAILED' = 'COMPLETED') =>
  aStoredImage(status, { owner, id, sha256, placeholder });

beforeEach(() => dynamo.reset());

describe('findDuplicate', () => {
  it('finds the owner’s settled image with the same SHA-256 through byOwnerContent', async () => {
    given({ [`${owner}#${sha256}`]: [`${owner}/first`] }, [settled('first')]);

    const found = await findDuplicate(deps, { owner, id: 'second', sha256 });

    expect(found).toBe('first');
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Images',
      IndexName: 'byOwnerContent',
      ExpressionAttributeValues: { ':ownerContent': `${owner}#${sha256}` },
    });
    // The index is eventually consistent: the candidate is confirmed by a consistent read.
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { owner, id: 'first' },
      ConsistentRead: true,
    });
  });

  it('never finds another owner’s image with the same bytes: the owner is part of the key', async () => {
    given({ [`${owner}#${sha256}`]: [`${owner}/first`] }, [settled('first')]);

    const found = await findDuplicate(deps, { owner: 'owner-b', id: 'theirs', sha256 });

    expect(found).toBeNull();
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':ownerContent': `owner-b#${sha256}`,
    });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('passes over candidates deleted meanwhile, no longer settled, or the image itself', async () => {
    given(
      {
        [`${owner}#${sha256}`]: [`${owner}/self`, `${owner}/deleted`, `${owner}/failed`, `${owner}/kept`],
      },
      [settled('self'), settled('failed', 'FAILED'), settled('kept', 'FLAGGED')],
    );

    const found = await findDuplicate(deps, { owner, id: 'self', sha256 });

    expect(found).toBe('kept');
  });

  it('prefers a COMPLETED copy (safe, or approved by a moderator) to an earlier copy still FLAGGED', async () => {
    given({ [`${owner}#${sha256}`]: [`${owner}/flagged`, `${owner}/flagged-too`, `${owner}/approved`] }, [
      settled('flagged', 'FLAGGED'),
      settled('flagged-too', 'FLAGGED'),
      settled('approved'),
    ]);

    const found = await findDuplicate(deps, { owner, id: 'new', sha256 });

    expect(found).toBe('approved');
  });

  it('falls back to the earliest FLAGGED copy when none is COMPLETED, and stops at the first COMPLETED one', async () => {
    given({ [`${owner}#${sha256}`]: [`${owner}/a`, `${owner}/b`] }, [
      settled('a', 'FLAGGED'),
      settled('b', 'FLAGGED'),
    ]);
    await expect(findDuplicate(deps, { owner, id: 'new', sha256 })).resolves.toBe('a');

    dynamo.reset();
    given({ [`${owner}#${sha256}`]: [`${owner}/c`, `${owner}/d`] }, [settled('c'), settled('d')]);
    await expect(findDuplicate(deps, { owner, id: 'new', sha256 })).resolves.toBe('c');
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('answers null when the owner has no image with these bytes', async () => {
    given({}, []);

    await expect(findDuplicate(deps, { owner, id: 'second', sha256 })).resolves.toBeNull();
  });
});

describe('readReusableImage', () => {
  it('returns what a duplicate reuses: status, renditions, placeholder and analysis', async () => {
    given({}, [settled('first', 'FLAGGED')]);

    const stored = await readReusableImage(deps, { owner, id: 'first' });

    expect(stored).toMatchObject({ id: 'first', status: 'FLAGGED', placeholder });
    expect(stored?.thumbnails).toHaveLength(6);
    expect(stored?.analysis.labels[0]?.name).toBe('Coffee Cup');
  });

  it('refuses an image stored before placeholders existed: nothing is half reused', async () => {
    given({}, [aStoredImage('COMPLETED', { owner, id: 'old', sha256 })]);

    await expect(readReusableImage(deps, { owner, id: 'old' })).resolves.toBeNull();
  });

  it('reads the review a moderator left, and resolves an item stored before reviews as having none', async () => {
    const review = { decision: 'APPROVE', reviewer: 'moderator-1', reviewedAt: '2026-12-01T08:00:00.000Z' };
    given({}, [{ ...settled('approved'), review }, settled('older')]);

    await expect(readReusableImage(deps, { owner, id: 'approved' })).resolves.toMatchObject({ review });
    expect((await readReusableImage(deps, { owner, id: 'older' }))?.review).toBeUndefined();
  });

  it('refuses an image still PROCESSING: a duplicate of it is processed normally', async () => {
    given({}, [aStoredImage('PROCESSING', { owner, id: 'busy', sha256 })]);

    await expect(readReusableImage(deps, { owner, id: 'busy' })).resolves.toBeNull();
  });
});

describe('inheritedReview', () => {
  const approval = { decision: 'APPROVE', reviewer: 'moderator-1', reviewedAt: '2026-12-01T08:00:00.000Z' };
  const unsafe = {
    labels: [],
    faceCount: 0,
    faces: [],
    moderationLabels: [{ name: 'Violence', parentName: null, confidence: 91.5 }],
    isSafe: false,
  };
  const source = (overrides: Partial<ReusableImage>): ReusableImage => ({
    owner,
    id: 'first',
    status: 'COMPLETED',
    sha256,
    thumbnails: [],
    placeholder,
    analysis: unsafe,
    ...overrides,
  });

  it('passes on a moderator’s APPROVE of a COMPLETED image, naming the image decided on', () => {
    expect(inheritedReview(source({ review: { ...approval, decision: 'APPROVE', note: 'fine' } }))).toEqual({
      ...approval,
      note: 'fine',
      inheritedFrom: 'first',
    });
  });

  it('keeps pointing at the image the moderator decided on through a duplicate of a duplicate', () => {
    const inherited = { ...approval, decision: 'APPROVE' as const, inheritedFrom: 'original' };

    expect(inheritedReview(source({ id: 'copy', review: inherited }))).toEqual({
      ...approval,
      inheritedFrom: 'original',
    });
  });

  it('passes nothing on from a FLAGGED image, an image no moderator decided on, or a REJECT', () => {
    expect(inheritedReview(source({ status: 'FLAGGED' }))).toBeNull();
    expect(
      inheritedReview(source({ review: null, analysis: { ...unsafe, moderationLabels: [], isSafe: true } })),
    ).toBeNull();
    // Not a state the pipeline stores, but never a reason to show anything unblurred.
    expect(inheritedReview(source({ review: { ...approval, decision: 'REJECT' } }))).toBeNull();
    expect(
      inheritedReview(source({ status: 'FLAGGED', review: { ...approval, decision: 'APPROVE' } })),
    ).toBeNull();
  });
});
