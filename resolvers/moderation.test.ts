// listFlaggedImages, reviewImage and Image.originalUrl through their bundles (issue 20): the
// group is checked again in the resolver, the queue is the byStatus index oldest first, and the
// decision's outcomes become named errors.
import { describe, expect, it } from 'vitest';
import { cognito, pipelineIam, runField } from './test-support/harness.ts';

const moderator = { ...cognito('mod-1'), groups: ['moderators'] };
const flagged = {
  owner: 'alice',
  id: '01KFLAGGED0000000000000000',
  status: 'FLAGGED',
  fileName: 'a.jpg',
  thumbnails: [],
};

describe('Query.listFlaggedImages', () => {
  it('queries the sparse byStatus index for FLAGGED, oldest first', async () => {
    const { calls, outcome } = await runField(
      'Query',
      'listFlaggedImages',
      { arguments: { limit: 5, nextToken: 'tok' }, identity: moderator },
      () => ({ result: { items: [flagged], nextToken: 'next' } }),
    );
    expect(calls).toEqual([
      {
        dataSource: 'images',
        request: expect.objectContaining({
          operation: 'Query',
          index: 'byStatus',
          query: {
            expression: '#statusKey = :statusKey',
            expressionNames: { '#statusKey': 'statusKey' },
            expressionValues: { ':statusKey': { S: 'FLAGGED' } },
          },
          limit: 5,
          nextToken: 'tok',
          scanIndexForward: true,
        }),
      },
    ]);
    expect(outcome).toMatchObject({ kind: 'value', value: { items: [flagged], nextToken: 'next' } });
  });

  it('is Unauthorized for a signed-in user outside the group, before any read', async () => {
    const { calls, outcome } = await runField('Query', 'listFlaggedImages', {
      arguments: {},
      identity: cognito('alice'),
    });
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
  });

  it('refuses a limit out of range by name', async () => {
    const { outcome } = await runField('Query', 'listFlaggedImages', {
      arguments: { limit: 0 },
      identity: moderator,
    });
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'ValidationError' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain('limit');
  });
});

describe('Mutation.reviewImage', () => {
  const review = (args: Record<string, unknown>, answer: unknown, identity: unknown = moderator) =>
    runField('Mutation', 'reviewImage', { arguments: args, identity } as never, () => ({ result: answer }));

  it('invokes review-image with the moderator\u2019s sub as reviewer, never an argument', async () => {
    const decided = { ...flagged, status: 'REJECTED', review: { decision: 'REJECT', reviewer: 'mod-1' } };
    const { calls, outcome } = await review(
      { owner: 'alice', id: flagged.id, decision: 'REJECT', reviewer: 'someone-else' },
      { outcome: 'decided', image: decided },
    );
    expect(calls).toEqual([
      {
        dataSource: 'reviewImage',
        request: {
          operation: 'Invoke',
          payload: { owner: 'alice', id: flagged.id, decision: 'REJECT', note: null, reviewer: 'mod-1' },
        },
      },
    ]);
    expect(outcome).toMatchObject({ kind: 'value', value: decided });
  });

  it('names the loser of two decisions NotReviewable, and an unknown image NotFound', async () => {
    const lost = await review(
      { owner: 'alice', id: flagged.id, decision: 'APPROVE' },
      { outcome: 'notReviewable', status: 'REJECTED', decidedBy: 'mod-2' },
    );
    expect(lost.outcome).toMatchObject({ kind: 'error', error: { errorType: 'NotReviewable' } });
    expect(lost.outcome.kind === 'error' && lost.outcome.error.message).toContain('REJECTED');
    const unknown = await review(
      { owner: 'alice', id: 'nope', decision: 'APPROVE' },
      { outcome: 'notFound' },
    );
    expect(unknown.outcome).toMatchObject({ kind: 'error', error: { errorType: 'NotFound' } });
  });

  it('is Unauthorized for the owner and for IAM, with no invocation', async () => {
    for (const identity of [cognito('alice'), pipelineIam]) {
      const { calls, outcome } = await review(
        { owner: 'alice', id: flagged.id, decision: 'APPROVE' },
        null,
        identity,
      );
      expect(calls).toEqual([]);
      expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
    }
  });

  it('refuses a note longer than the limit by name', async () => {
    const { calls, outcome } = await review(
      { owner: 'alice', id: flagged.id, decision: 'REJECT', note: 'x'.repeat(1001) },
      null,
    );
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'ValidationError' } });
  });
});

describe('Image.originalUrl', () => {
  it('asks sign-urls for the quarantined original of the image, batched', async () => {
    const { calls, outcome } = await runField(
      'Image',
      'originalUrl',
      { arguments: {}, identity: moderator, source: flagged } as never,
      () => ({ result: 'https://signed' }),
    );
    expect(calls).toEqual([
      {
        dataSource: 'signUrls',
        request: {
          operation: 'BatchInvoke',
          payload: {
            key: `quarantine/alice/${flagged.id}/original`,
            imageStatus: 'FLAGGED',
            quarantined: true,
          },
        },
      },
    ]);
    expect(outcome).toMatchObject({ kind: 'value', value: 'https://signed' });
  });

  it.each(['COMPLETED', 'PROCESSING', 'REJECTED'])(
    'answers null for a %s image without invoking sign-urls',
    async (status) => {
      const { calls, outcome } = await runField(
        'Image',
        'originalUrl',
        { arguments: {}, identity: moderator, source: { ...flagged, status } } as never,
        () => ({ result: 'https://never-signed' }),
      );
      expect(calls).toEqual([]);
      expect(outcome).toMatchObject({ kind: 'value', value: null });
    },
  );
});
