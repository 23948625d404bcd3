// deleteImage and publishImageProcessed through their bundles.
import { describe, expect, it } from 'vitest';
import { cognito, pipelineIam, runField } from './test-support/harness.ts';

const stored = {
  owner: 'alice',
  id: '01KCOMPLETED00000000000000',
  status: 'COMPLETED',
  fileName: 'a.jpg',
  thumbnails: [
    { size: 'SMALL', format: 'JPEG', width: 150, height: 100, contentType: 'image/jpeg', key: 'k' },
  ],
};

describe('Mutation.deleteImage', () => {
  it('invokes deleteImage with the caller\u2019s sub and the id, and returns the deleted image', async () => {
    const { calls, outcome } = await runField(
      'Mutation',
      'deleteImage',
      { arguments: { id: stored.id }, identity: cognito('alice') },
      () => ({ result: stored }),
    );
    expect(calls).toEqual([
      {
        dataSource: 'deleteImage',
        request: { operation: 'Invoke', payload: { owner: 'alice', id: stored.id } },
      },
    ]);
    expect(outcome).toMatchObject({ kind: 'value', value: stored });
  });

  it('turns "nothing deleted" into errorType NotFound', async () => {
    const { outcome } = await runField(
      'Mutation',
      'deleteImage',
      { arguments: { id: 'someone-elses' }, identity: cognito('mallory') },
      () => ({ result: null }),
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'NotFound' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain('someone-elses');
  });

  it('raises a Lambda failure with its type', async () => {
    const { outcome } = await runField(
      'Mutation',
      'deleteImage',
      { arguments: { id: stored.id }, identity: cognito('alice') },
      () => ({ error: { type: 'Lambda:Unhandled', message: 'S3 unavailable' } }),
    );
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'Lambda:Unhandled', message: 'S3 unavailable' },
    });
  });

  it('refuses a caller without a sub before invoking anything', async () => {
    const { outcome, calls } = await runField('Mutation', 'deleteImage', {
      arguments: { id: stored.id },
      identity: pipelineIam,
    });
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
    expect(calls).toEqual([]);
  });
});

describe.each(['publishImageProcessed', 'publishImageProgress'])('Mutation.%s', (field) => {
  it('reads the stored item by the owner and id the pipeline names, strongly consistent', async () => {
    const { calls, outcome } = await runField(
      'Mutation',
      field,
      { arguments: { owner: 'alice', id: stored.id }, identity: pipelineIam },
      () => ({ result: stored }),
    );
    expect(calls[0]?.request).toEqual({
      operation: 'GetItem',
      key: { owner: { S: 'alice' }, id: { S: stored.id } },
      consistentRead: true,
    });
    expect(outcome).toMatchObject({ kind: 'value', value: stored });
  });

  it('returns null for an item that is gone (nothing is published)', async () => {
    const { outcome } = await runField(
      'Mutation',
      field,
      { arguments: { owner: 'alice', id: 'gone' }, identity: pipelineIam },
      () => ({ result: null }),
    );
    expect(outcome).toMatchObject({ kind: 'value', value: null });
  });
});
