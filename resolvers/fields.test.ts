// The subscription resolver's enhanced filter, and the Image.thumbnails → Thumbnail.url chain.
import { describe, expect, it } from 'vitest';
import { cognito, pipelineIam, runField } from './test-support/harness.ts';

describe.each(['onImageProcessed', 'onImageProgress'])('Subscription.%s', (field) => {
  it('filters on the caller\u2019s sub only when no id is given', async () => {
    const { outcome, calls } = await runField('Subscription', field, {
      arguments: {},
      identity: cognito('alice'),
    });
    expect(calls.map((c) => c.dataSource)).toEqual(['none']);
    expect(outcome).toMatchObject({
      kind: 'value',
      value: null,
      subscriptionFilter: {
        filterGroup: [{ filters: [{ fieldName: 'owner', operator: 'eq', value: 'alice' }] }],
      },
    });
  });

  it('puts the id inside the one filter group when given', async () => {
    const { outcome } = await runField('Subscription', field, {
      arguments: { id: '01KIMAGE' },
      identity: cognito('alice'),
    });
    expect(outcome.subscriptionFilter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'owner', operator: 'eq', value: 'alice' },
            { fieldName: 'id', operator: 'eq', value: '01KIMAGE' },
          ],
        },
      ],
    });
  });

  it.each([
    ['an IAM caller', pipelineIam],
    ['an API-key caller', null],
  ])('refuses %s (no sub) as Unauthorized', async (_, identity) => {
    const { outcome } = await runField('Subscription', field, { arguments: {}, identity });
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
    expect(outcome.subscriptionFilter).toBeUndefined();
  });
});

describe('Image.thumbnails and Thumbnail.url', () => {
  const thumbnails = [
    {
      size: 'SMALL',
      format: 'JPEG',
      width: 150,
      height: 100,
      contentType: 'image/jpeg',
      key: 'thumbnails/alice/i/small.jpg',
    },
    {
      size: 'SMALL',
      format: 'WEBP',
      width: 150,
      height: 100,
      contentType: 'image/webp',
      key: 'thumbnails/alice/i/small.webp',
    },
  ];

  it('copies the image status onto each thumbnail', async () => {
    const { outcome } = await runField('Image', 'thumbnails', {
      source: { owner: 'alice', id: 'i', status: 'FLAGGED', thumbnails },
      identity: cognito('alice'),
    });
    expect(outcome).toMatchObject({
      kind: 'value',
      value: thumbnails.map((t) => ({ ...t, imageStatus: 'FLAGGED' })),
    });
  });

  it('gives an empty list for an image without thumbnails', async () => {
    const { outcome } = await runField('Image', 'thumbnails', {
      source: { owner: 'alice', id: 'i', status: 'PENDING_UPLOAD', thumbnails: [] },
      identity: cognito('alice'),
    });
    expect(outcome).toMatchObject({ kind: 'value', value: [] });
  });

  it('asks signUrls (BatchInvoke) with the key and image status, and returns its URL or null', async () => {
    const source = { ...thumbnails[0], imageStatus: 'COMPLETED' };
    const signed = await runField('Thumbnail', 'url', { source, identity: cognito('alice') }, () => ({
      result: 'http://127.0.0.1:4566/darkroom-images-local/thumbnails/alice/i/small.jpg?X-Amz-Signature=ab',
    }));
    expect(signed.calls).toEqual([
      {
        dataSource: 'signUrls',
        request: {
          operation: 'BatchInvoke',
          payload: { key: 'thumbnails/alice/i/small.jpg', imageStatus: 'COMPLETED' },
        },
      },
    ]);
    expect(signed.outcome).toMatchObject({
      kind: 'value',
      value: expect.stringContaining('X-Amz-Signature'),
    });
  });

  it.each(['PENDING_UPLOAD', 'PROCESSING', 'FAILED', 'REJECTED'])(
    'answers null for a %s image without invoking signUrls',
    async (imageStatus) => {
      const unsigned = await runField(
        'Thumbnail',
        'url',
        { source: { ...thumbnails[0], imageStatus }, identity: cognito('alice') },
        () => ({ result: 'http://127.0.0.1:4566/never-signed' }),
      );
      expect(unsigned.calls).toEqual([]);
      expect(unsigned.outcome).toMatchObject({ kind: 'value', value: null });
    },
  );
});
