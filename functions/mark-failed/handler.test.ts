import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);

const { handler } = await loadHandler(() => import('./handler.ts'));

beforeEach(() => {
  dynamoMock.reset();
  s3Mock.reset();
  s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [], IsTruncated: false });
});

describe('mark-failed handler', () => {
  it('takes the Catch output of a Lambda task as Step Functions passes it', async () => {
    // Prepare
    dynamoMock.on(UpdateCommand).resolves({});
    const event = {
      owner: 'owner-1',
      id: 'image-1',
      leaseToken: 'execution-1',
      error: {
        Error: 'ImageTooLarge',
        Cause:
          '{"errorType":"ImageTooLarge","errorMessage":"20000 x 20000 is over the 100 megapixel limit","trace":[]}',
      },
    };

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toEqual({
      marked: true,
      code: 'ImageTooLarge',
      message: '20000 x 20000 is over the 100 megapixel limit',
    });
    expect(dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input.TableName).toBe('Images');
  });

  it('refuses an event without the caught error', async () => {
    // Act
    const attempt = handler({ owner: 'owner-1', id: 'image-1', leaseToken: 'execution-1' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /error/ });
  });
});
