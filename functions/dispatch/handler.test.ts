import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { objectCreated } from '../../tests/object-created.ts';
import { loadHandler } from '../test-support/load-handler.ts';

const sfnMock = mockClient(SFNClient);
const sqsMock = mockClient(SQSClient);

const { handler } = await loadHandler(() => import('./handler.ts'), {
  GRAPHQL_URL: 'http://127.0.0.1:4566/graphql',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:image-processed',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:darkroom-pipeline',
  QUEUE_URL: 'http://127.0.0.1:4566/000000000000/darkroom-uploads',
  RETRY_BACKOFF_SCALE: '1',
});

function sqsEvent(...messageIds: string[]) {
  return {
    Records: messageIds.map((messageId) => ({
      messageId,
      receiptHandle: `rh-${messageId}`,
      body: JSON.stringify(objectCreated('b', `uploads/o/${messageId}/original`)),
      attributes: { ApproximateReceiveCount: '1' },
      eventSource: 'aws:sqs',
    })),
  };
}

beforeEach(() => {
  sfnMock.reset();
  sqsMock.reset();
});

describe('dispatch handler', () => {
  it('reports exactly the messages whose execution failed as batch item failures', async () => {
    sfnMock
      .on(StartSyncExecutionCommand)
      .resolvesOnce({ status: 'SUCCEEDED' })
      .resolvesOnce({ status: 'TIMED_OUT', error: 'States.Timeout' });
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});

    const result = await handler(sqsEvent('a', 'b'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it('reports a message whose backoff could not be set, rather than losing it', async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: 'FAILED', error: 'States.TaskFailed' });
    sqsMock.on(ChangeMessageVisibilityCommand).rejects(new Error('network down'));

    expect(await handler(sqsEvent('c'))).toEqual({ batchItemFailures: [{ itemIdentifier: 'c' }] });
  });

  it('refuses an event that is not an SQS batch, naming the field', async () => {
    await expect(handler({ Records: [{ messageId: 'x' }] })).rejects.toMatchObject({
      name: 'ValidationError',
      message: /Records\.0\.receiptHandle/,
    });
  });
});
