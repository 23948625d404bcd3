import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';
import { anAnalysis, sixThumbnails } from '../test-support/stored-images.ts';

const dynamoMock = mockClient(DynamoDBDocumentClient);

const { handler } = await loadHandler(() => import('./handler.ts'));

beforeEach(() => dynamoMock.reset());

/** The SaveResult state's payload, as the pipeline assembles it. */
function aSaveResultPayload(overrides: Record<string, unknown> = {}) {
  return {
    owner: 'owner-1',
    id: 'image-1',
    status: 'COMPLETED',
    image: {
      width: 1200,
      height: 800,
      format: 'jpeg',
      orientation: 6,
      bytes: 301_044,
      etag: '"5d41402abc4b"',
    },
    thumbnails: sixThumbnails('owner-1', 'image-1'),
    placeholder: { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' },
    analysis: anAnalysis(),
    leaseToken: 'execution-1',
    ...overrides,
  };
}

describe('save-result handler', () => {
  it('saves the pipeline payload into the configured table', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    const result = await handler(aSaveResultPayload());

    // Assess
    expect(result).toEqual({ saved: true });
    const input = dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(input?.TableName).toBe('Images');
    expect(input?.ExpressionAttributeValues?.[':orientation']).toBe(6);
  });

  it('takes the inherited review the pipeline passes, or null when there is none', async () => {
    dynamoMock.on(TransactWriteCommand).resolves({});
    const inheritedReview = {
      decision: 'APPROVE',
      reviewer: 'moderator-1',
      note: 'fine',
      reviewedAt: '2026-11-24T08:00:00.000Z',
      inheritedFrom: 'image-0',
    };

    await handler(aSaveResultPayload({ inheritedReview: null }));
    await handler(aSaveResultPayload({ inheritedReview }));

    const updates = dynamoMock
      .commandCalls(TransactWriteCommand)
      .map((call) => call.args[0].input.TransactItems?.[0]?.Update?.ExpressionAttributeValues ?? {});
    expect(updates[0]).not.toHaveProperty(':review');
    expect(updates[1]?.[':review']).toEqual(inheritedReview);
  });

  it('refuses an inherited review that is not an APPROVE naming the image decided on', async () => {
    const attempt = handler(
      aSaveResultPayload({
        inheritedReview: { decision: 'REJECT', reviewer: 'm', reviewedAt: '2026-11-24T08:00:00.000Z' },
      }),
    );

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /inheritedReview/ });
    expect(dynamoMock.calls()).toHaveLength(0);
  });

  it('refuses a status the pipeline never saves', async () => {
    // Act
    const attempt = handler(aSaveResultPayload({ status: 'FAILED' }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /status/ });
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});
