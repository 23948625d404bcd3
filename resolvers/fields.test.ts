// The subscription resolver's enhanced filter, and Image.thumbnails with its URLs.
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

describe('Image.thumbnails', () => {
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
  const urlOf = (key: string) => `http://127.0.0.1:4566/darkroom-images-local/${key}?X-Amz-Signature=ab`;
  /** ctx.info as AppSync gives it to Image.thumbnails for `thumbnails { <selection> }`. */
  const selecting = (selectionSetList: string[], selectionSetGraphQL: string) => ({
    info: { selectionSetList, selectionSetGraphQL },
  });
  const withUrl = selecting(['size', 'key', 'url'], '{\n  size\n  key\n  url\n}');
  const signer = (call: { request: unknown }) => ({
    result: (call.request as { payload: { keys: string[] } }).payload.keys.map(urlOf),
  });

  it("asks signUrls (BatchInvoke) once for the image's keys and status, and gives each rendition its URL", async () => {
    const { calls, outcome } = await runField(
      'Image',
      'thumbnails',
      { source: { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails }, ...withUrl },
      signer,
    );
    expect(calls).toEqual([
      {
        dataSource: 'signUrls',
        request: {
          operation: 'BatchInvoke',
          payload: {
            keys: ['thumbnails/alice/i/small.jpg', 'thumbnails/alice/i/small.webp'],
            imageStatus: 'COMPLETED',
          },
        },
      },
    ]);
    expect(outcome).toMatchObject({
      kind: 'value',
      value: thumbnails.map((t) => ({ ...t, url: urlOf(t.key) })),
    });
  });

  it('signs the renditions a FLAGGED image lists (its blurred ones)', async () => {
    const { calls, outcome } = await runField(
      'Image',
      'thumbnails',
      { source: { owner: 'alice', id: 'i', status: 'FLAGGED', thumbnails }, ...withUrl },
      signer,
    );
    expect(calls).toHaveLength(1);
    expect(outcome).toMatchObject({ value: thumbnails.map((t) => ({ ...t, url: urlOf(t.key) })) });
  });

  it('invokes nothing when the selection does not ask for url', async () => {
    const { calls, outcome } = await runField(
      'Image',
      'thumbnails',
      {
        source: { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails },
        ...selecting(['size', 'format', 'width', 'height', 'contentType', 'key'], '{ size format key }'),
      },
      signer,
    );
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'value', value: thumbnails.map((t) => ({ ...t, url: null })) });
  });

  it.each([
    ['an alias of url', ['link'], '{\n  link: url\n}'],
    ['url under the name of another field', ['key'], '{\n  key: url\n}'],
    ['a named fragment', ['key'], '{\n  ...Rendition\n}'],
  ])('signs when the selection may ask for url through %s', async (_, list, text) => {
    const { calls } = await runField(
      'Image',
      'thumbnails',
      { source: { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails }, ...selecting(list, text) },
      signer,
    );
    expect(calls).toHaveLength(1);
  });

  it.each(['PENDING_UPLOAD', 'PROCESSING', 'FAILED', 'REJECTED'])(
    'gives null URLs without invoking anything while the image is %s',
    async (status) => {
      const { calls, outcome } = await runField(
        'Image',
        'thumbnails',
        { source: { owner: 'alice', id: 'i', status, thumbnails }, ...withUrl },
        signer,
      );
      expect(calls).toEqual([]);
      expect(outcome).toMatchObject({ kind: 'value', value: thumbnails.map((t) => ({ ...t, url: null })) });
    },
  );

  it('gives an empty list, invoking nothing, for an image without thumbnails or stored before them', async () => {
    for (const source of [
      { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails: [] },
      { owner: 'alice', id: 'i', status: 'COMPLETED' },
    ]) {
      const { calls, outcome } = await runField('Image', 'thumbnails', { source, ...withUrl }, signer);
      expect(calls).toEqual([]);
      expect(outcome).toMatchObject({ kind: 'value', value: [] });
    }
  });

  it('keeps a URL sign-urls answered null as null', async () => {
    const source = { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails };
    const partly = await runField('Image', 'thumbnails', { source, ...withUrl }, () => ({
      result: [urlOf(thumbnails[0]?.key ?? ''), null],
    }));
    expect(partly.outcome).toMatchObject({
      value: [
        { key: thumbnails[0]?.key, url: urlOf(thumbnails[0]?.key ?? '') },
        { key: thumbnails[1]?.key, url: null },
      ],
    });
  });

  it("keeps the renditions with null URLs and reports sign-urls' error beside them: the page is not lost", async () => {
    const source = { owner: 'alice', id: 'i', status: 'COMPLETED', thumbnails };
    const failed = await runField('Image', 'thumbnails', { source, ...withUrl }, () => ({
      error: { message: 'boom', type: 'Lambda:Unhandled' },
    }));
    expect(failed.outcome).toMatchObject({
      kind: 'value',
      value: thumbnails.map((t) => ({ ...t, url: null })),
      appendedErrors: [{ message: 'boom', errorType: 'Lambda:Unhandled' }],
    });
  });
});
