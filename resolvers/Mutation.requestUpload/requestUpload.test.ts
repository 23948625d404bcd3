// requestUpload end to end through its bundled pipeline: validation, the PENDING_UPLOAD PutItem,
// the createUpload invocation and the UploadTicket.
import { describe, expect, it } from 'vitest';
import { limits, supportedContentTypes } from '../../contracts/names.ts';
import { quotas } from '../../contracts/usage.ts';
import { fromMapValues } from '../../local/providers/appsync/runtime/index.ts';
import { cognito, type DataSourceCall, pipelineIam, runField } from '../test-support/harness.ts';

const now = Date.UTC(2026, 10, 24, 12, 0, 0, 250);
const clock = () => now;
const presigned = {
  url: 'http://127.0.0.1:4566/darkroom-images-local',
  fields: {
    key: 'uploads/alice/x/original',
    'Content-Type': 'image/png',
    Policy: 'eyJ9',
    'X-Amz-Signature': 'ab',
  },
  expiresAt: '2026-11-24T12:05:00.250Z',
};

/** Plays DynamoDB (TransactWriteItems answers the keys) and create-upload. */
function dataSources(call: DataSourceCall) {
  const request = call.request as { transactItems: Array<{ key: Record<string, never> }> };
  if (call.dataSource === 'images')
    return { result: { keys: request.transactItems.map((item) => fromMapValues(item.key)) } };
  if (call.dataSource === 'createUpload') return { result: presigned };
  throw new Error(`unexpected data source ${call.dataSource}`);
}

/** DynamoDB cancelling the transaction, one reason per item as AppSync passes them on. */
function cancelled(types: [string, string, string]) {
  return (call: DataSourceCall) =>
    call.dataSource === 'images'
      ? {
          result: { keys: null, cancellationReasons: types.map((type) => ({ type, message: null })) },
          error: {
            type: 'DynamoDB:TransactionCanceledException',
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          },
        }
      : dataSources(call);
}

const valid = { fileName: 'holiday photo.png', contentType: 'image/png', size: 2_000_000 };

function requestUpload(
  input: Record<string, unknown>,
  identity: Record<string, unknown> | null = cognito('alice'),
) {
  return runField('Mutation', 'requestUpload', { arguments: { input }, identity }, dataSources, clock);
}

describe('Mutation.requestUpload', () => {
  it('creates a PENDING_UPLOAD item owned by the caller with its quotas in one transaction, then presigns', async () => {
    const { outcome, calls } = await requestUpload(valid);

    expect(calls.map((c) => c.dataSource)).toEqual(['none', 'images', 'createUpload']);
    const transaction = calls[1]?.request as { transactItems: Array<{ key: { id: { S: string } } }> };
    const id = transaction.transactItems[2]?.key.id.S ?? '';
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(transaction).toEqual({
      operation: 'TransactWriteItems',
      transactItems: [
        {
          table: 'Images',
          operation: 'UpdateItem',
          key: { owner: { S: 'usage#alice' }, id: { S: 'day#2026-11-24' } },
          update: {
            expression: 'SET #expires = if_not_exists(#expires, :expires) ADD #images :one',
            expressionNames: { '#expires': 'expiresAtEpoch', '#images': 'images' },
            expressionValues: { ':expires': { N: Date.UTC(2026, 10, 26) / 1000 }, ':one': { N: 1 } },
          },
          condition: {
            expression: 'attribute_not_exists(#images) OR #images < :limit',
            expressionNames: { '#images': 'images' },
            expressionValues: { ':limit': { N: quotas.imagesPerDay } },
          },
        },
        {
          table: 'Images',
          operation: 'ConditionCheck',
          key: { owner: { S: 'usage#alice' }, id: { S: 'total' } },
          condition: {
            expression: 'attribute_not_exists(#bytes) OR #bytes <= :room',
            expressionNames: { '#bytes': 'bytesStored' },
            expressionValues: { ':room': { N: quotas.bytesLimit - 2_000_000 } },
          },
        },
        {
          table: 'Images',
          operation: 'PutItem',
          key: { owner: { S: 'alice' }, id: { S: id } },
          attributeValues: {
            fileName: { S: 'holiday photo.png' },
            contentType: { S: 'image/png' },
            size: { N: 2_000_000 },
            keepLocation: { BOOL: false },
            status: { S: 'PENDING_UPLOAD' },
            ownerStatus: { S: 'alice#PENDING_UPLOAD' },
            createdAt: { S: '2026-11-24T12:00:00.250Z' },
            updatedAt: { S: '2026-11-24T12:00:00.250Z' },
            expiresAtEpoch: { N: Math.floor(now / 1000) + 24 * 60 * 60 },
            thumbnails: { L: [] },
          },
          condition: { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } },
        },
      ],
    });
    expect(calls[2]?.request).toEqual({
      operation: 'Invoke',
      payload: { owner: 'alice', id, contentType: 'image/png', size: 2_000_000 },
    });
    expect(outcome).toMatchObject({
      kind: 'value',
      value: {
        image: {
          owner: 'alice',
          id,
          status: 'PENDING_UPLOAD',
          fileName: 'holiday photo.png',
          thumbnails: [],
        },
        url: presigned.url,
        fields: JSON.stringify(presigned.fields),
        expiresAt: presigned.expiresAt,
      },
    });
  });

  it('records keepLocation: true only when the caller asked to keep the location', async () => {
    const { calls } = await requestUpload({ ...valid, keepLocation: true });

    const transaction = calls[1]?.request as {
      transactItems: Array<{ operation: string; attributeValues?: Record<string, unknown> }>;
    };
    const put = transaction.transactItems.find((item) => item.operation === 'PutItem');
    expect(put?.attributeValues?.keepLocation).toEqual({ BOOL: true });
  });

  it.each(supportedContentTypes)('accepts %s', async (contentType) => {
    const { outcome } = await requestUpload({ ...valid, contentType });
    expect(outcome.kind).toBe('value');
  });

  it('accepts the size limits themselves: 1 byte and 25 MB', async () => {
    expect((await requestUpload({ ...valid, size: 1 })).outcome.kind).toBe('value');
    expect((await requestUpload({ ...valid, size: limits.maxUploadBytes })).outcome.kind).toBe('value');
  });

  it('refuses an SVG with a message naming every supported type, HEIC and HEIF among them', async () => {
    const { outcome, calls } = await requestUpload({ ...valid, contentType: 'image/svg+xml' });
    expect(outcome.kind).toBe('error');
    const error = outcome.kind === 'error' ? outcome.error : undefined;
    expect(error?.errorType).toBe('ValidationError');
    expect(error?.message).toMatch(/^input\.contentType: must be one of /);
    for (const type of supportedContentTypes) expect(error?.message).toContain(type);
    expect(error?.message).toContain('image/heic');
    expect(calls.map((c) => c.dataSource)).toEqual([]);
  });

  it.each([
    [
      'a content type that is no image',
      { contentType: 'application/pdf' },
      'input.contentType: must be one of image/jpeg',
    ],
    ['an empty size', { size: 0 }, 'input.size: must be between 1 and 26214400 bytes'],
    [
      'one byte over 25 MB',
      { size: limits.maxUploadBytes + 1 },
      'input.size: must be between 1 and 26214400 bytes',
    ],
    ['an empty file name', { fileName: '' }, 'input.fileName: must be 1 to 255 characters'],
    [
      'a 256-character file name',
      { fileName: `${'a'.repeat(252)}.png` },
      'input.fileName: must be 1 to 255 characters',
    ],
    [
      'a control character',
      { fileName: 'bell\u0007.png' },
      'input.fileName: must not contain control characters',
    ],
    ['a newline', { fileName: 'two\nlines.png' }, 'input.fileName: must not contain control characters'],
    ['DEL', { fileName: 'del\u007f.png' }, 'input.fileName: must not contain control characters'],
    ['a slash', { fileName: '../etc/passwd' }, 'input.fileName: must not contain path separators'],
    ['a backslash', { fileName: 'C:\\photo.png' }, 'input.fileName: must not contain path separators'],
  ])('refuses %s as a ValidationError naming field and rule', async (_, change, message) => {
    const { outcome, calls } = await requestUpload({ ...valid, ...change });
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'ValidationError' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain(message);
    expect(calls.filter((c) => c.dataSource !== 'none')).toEqual([]);
  });

  it('keeps a 255-character name with spaces and accents', async () => {
    const fileName = `é ${'x'.repeat(249)}.png`;
    expect(fileName.length).toBe(255);
    const { outcome } = await requestUpload({ ...valid, fileName });
    expect(outcome).toMatchObject({ kind: 'value', value: { image: { fileName } } });
  });

  it('refuses a caller without a Cognito sub', async () => {
    const { outcome, calls } = await requestUpload(valid, pipelineIam);
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'Unauthorized' } });
    expect(calls).toEqual([]);
  });

  it('refuses the ticket over the daily count as QuotaExceeded naming imagesPerDay, and does not presign', async () => {
    const { outcome, calls } = await runField(
      'Mutation',
      'requestUpload',
      { arguments: { input: valid }, identity: cognito('alice') },
      cancelled(['ConditionalCheckFailed', 'None', 'None']),
      clock,
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'QuotaExceeded' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain('imagesPerDay');
    expect(calls.map((c) => c.dataSource)).toEqual(['none', 'images']);
  });

  it('refuses a size that does not fit the stored bytes as QuotaExceeded naming bytesLimit', async () => {
    const { outcome } = await runField(
      'Mutation',
      'requestUpload',
      { arguments: { input: valid }, identity: cognito('alice') },
      cancelled(['None', 'ConditionalCheckFailed', 'None']),
      clock,
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'QuotaExceeded' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain('bytesLimit');
  });

  it('answers a transaction cancelled by a concurrent one as TransactionConflict, to send again', async () => {
    const { outcome, calls } = await runField(
      'Mutation',
      'requestUpload',
      { arguments: { input: valid }, identity: cognito('alice') },
      cancelled(['TransactionConflict', 'None', 'None']),
      clock,
    );
    expect(outcome).toMatchObject({ kind: 'error', error: { errorType: 'TransactionConflict' } });
    expect(outcome.kind === 'error' && outcome.error.message).toContain('send it again');
    expect(calls.map((c) => c.dataSource)).toEqual(['none', 'images']);
  });

  it('raises a failed transaction that is no quota as it came, and does not presign', async () => {
    const { outcome, calls } = await runField(
      'Mutation',
      'requestUpload',
      { arguments: { input: valid }, identity: cognito('alice') },
      cancelled(['None', 'None', 'ConditionalCheckFailed']),
      clock,
    );
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'DynamoDB:TransactionCanceledException' },
    });
    expect(calls.map((c) => c.dataSource)).toEqual(['none', 'images']);
  });
});
