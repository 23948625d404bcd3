import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqsHarness } from './test-harness.ts';

let h: SqsHarness;
let source: string;
let dlq: string;
const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:uploads-dlq';
const sourceArn = 'arn:aws:sqs:us-east-1:000000000000:uploads';

beforeEach(async () => {
  h = await startSqsHarness();
  dlq = (await h.client.send(new CreateQueueCommand({ QueueName: 'uploads-dlq' }))).QueueUrl as string;
  source = (
    await h.client.send(
      new CreateQueueCommand({
        QueueName: 'uploads',
        Attributes: {
          // 0: every receive is followed at once by the next attempt.
          VisibilityTimeout: '0',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
        },
      }),
    )
  ).QueueUrl as string;
});

afterEach(async () => {
  await h.close();
});

async function receive(QueueUrl: string) {
  const { Messages } = await h.client.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
  );
  return Messages ?? [];
}

async function waitForTask(status: string) {
  for (;;) {
    const { Results } = await h.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    if (Results?.[0]?.Status === status) return Results[0];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SqsProvider redrive', () => {
  it('moves a message received more than maxReceiveCount times to the DLQ on its next receive', async () => {
    const { MessageId } = await h.client.send(
      new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }),
    );
    expect((await receive(source)).map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1']);
    expect((await receive(source)).map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2']);
    expect(await receive(source)).toEqual([]);
    expect(h.sqs.queueDepth('uploads')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const [dead] = await receive(dlq);
    expect(dead).toMatchObject({
      MessageId,
      Body: 'poison',
      Attributes: { DeadLetterQueueSourceArn: sourceArn, ApproximateReceiveCount: '3' },
    });
  });

  it('StartMessageMoveTask returns DLQ messages to their source queue as new messages', async () => {
    for (const body of ['a', 'b', 'c'])
      await h.client.send(new SendMessageCommand({ QueueUrl: source, MessageBody: body }));
    for (let attempt = 0; attempt < 3; attempt += 1) await receive(source);
    expect(h.sqs.queueDepth('uploads-dlq').visible).toBe(3);

    const { TaskHandle } = await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    const task = await waitForTask('COMPLETED');
    expect(task).toMatchObject({
      SourceArn: dlqArn,
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
    });
    expect(h.sqs.queueDepth('uploads-dlq').visible).toBe(0);
    const back = await receive(source);
    expect(back.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    expect(back.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  });

  it('moves to DestinationArn, refuses a queue that is no DLQ, one task per source, and cancels', async () => {
    const other = (await h.client.send(new CreateQueueCommand({ QueueName: 'other' }))).QueueUrl as string;
    await expect(
      h.client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      h.client.send(
        new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:none' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    for (const body of ['a', 'b', 'c', 'd'])
      await h.client.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));
    const { TaskHandle } = await h.client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:other',
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );
    await expect(h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }))).rejects.toMatchObject(
      {
        name: 'UnsupportedOperation',
      },
    );
    const { Results } = await h.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(Results?.[0]).toMatchObject({
      Status: 'RUNNING',
      TaskHandle,
      DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:other',
    });
    const cancelled = await h.client.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(4);
    const task = await waitForTask('CANCELLED');
    expect(h.sqs.queueDepth('other').visible).toBe(task.ApproximateNumberOfMessagesMoved);
    expect(h.sqs.queueDepth('uploads-dlq').visible).toBe(4 - (task.ApproximateNumberOfMessagesMoved ?? 0));
    await expect(h.client.send(new CancelMessageMoveTaskCommand({ TaskHandle }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    void other;
  });
});
