/**
 * Flow control (issue 12) on the shared stack: a burst through the real upload flow (ticket from
 * create-upload, presigned POST) meets a durable queue and a bounded consumer, so no image fails for
 * a platform reason; injected throttling is retried; a platform error that outlasts every retry
 * ends in the DLQ with the image FAILED ServiceUnavailable only at the limit, and the documented
 * redrive (StartMessageMoveTask) finishes it.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flow } from '../../contracts/flow.ts';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  eventually,
  executionsFor,
  getImageItem,
  type PendingImage,
  type StackClients,
  stackInfo,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

const terminal = ['COMPLETED', 'FLAGGED', 'FAILED'] as const;
let clients: StackClients;
let sqs: SQSClient;
let jpeg: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  const { url, accessKeyId, secretAccessKey } = stackInfo();
  sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
  // Small enough that a burst costs seconds of CI, large enough to exercise every step.
  jpeg = await sharp(photo('coffee.png')).resize(640, 480).jpeg({ quality: 85 }).toBuffer();
});

afterEach(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

/** `count` uploads, at most `concurrency` at a time, each through requestUpload's function and a POST. */
async function burst(count: number, concurrency: number, user: TestUser): Promise<PendingImage[]> {
  const images: PendingImage[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const { image, response } = await uploadJpeg(user, jpeg);
      expect(response.status).toBe(204);
      images.push(image);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return images;
}

async function settled(images: PendingImage[], timeoutMs: number): Promise<Record<string, number>> {
  const items = await Promise.all(
    images.map((image) => waitForStatus(clients, image.owner, image.id, terminal, timeoutMs)),
  );
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(item.status)] = (counts[String(item.status)] ?? 0) + 1;
  return counts;
}

async function queueUrl(name: string): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
}

describe('a burst of uploads', () => {
  it('ends with every image terminal and none FAILED (60 uploads, 32 at a time)', {
    timeout: 180_000,
  }, async () => {
    const images = await burst(60, 32, await createUser('burst'));

    const counts = await settled(images, 150_000);

    expect(counts).toEqual({ COMPLETED: 60 });
  });

  it('completes every image under 30 % Rekognition throttling and 10 % Lambda 429s', {
    timeout: 180_000,
  }, async () => {
    const user = await createUser('throttled');
    const owner = user.sub;
    const throttledFunctions = [
      names.functions.inspect,
      names.functions.thumbnails,
      names.functions.analyse,
      names.functions.saveResult,
      names.functions.publish,
    ];
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        {
          service: 'rekognition',
          error: 'ThrottlingException',
          status: 400,
          rate: 0.3,
          match: `uploads/${owner}/*`,
        },
        ...throttledFunctions.map((match) => ({
          service: 'lambda',
          operation: 'Invoke',
          error: 'TooManyRequestsException',
          status: 429,
          rate: 0.1,
          match,
        })),
      ]),
    });

    const images = await burst(30, 16, user);
    const counts = await settled(images, 150_000);

    expect(counts).toEqual({ COMPLETED: 30 });
  });
});

describe('a platform error that outlasts every retry', () => {
  it('lands in the DLQ, fails the image ServiceUnavailable only at the limit, and the redrive finishes it', {
    timeout: 180_000,
  }, async () => {
    const user = await createUser('dlq');
    const owner = user.sub;
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        { service: 'rekognition', error: 'InternalServerError', status: 500, match: `uploads/${owner}/*` },
      ]),
    });
    const dlqUrl = await queueUrl(flow.deadLetterQueueName);
    const inDlq = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages);
    };
    // Earlier files may have left their own messages there: wait for this image's, not any.
    const before = await inDlq();
    const { image, response } = await uploadJpeg(user, jpeg);
    expect(response.status).toBe(204);
    const key = `uploads/${owner}/${image.id}/original`;

    // Before the limit: executions fail, the message comes back, and the image stays PROCESSING.
    await eventually(async () => ((await executionsFor(key)).length >= 3 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'three failed attempts',
    });
    const midway = await getImageItem(clients, owner, image.id);
    if ((await executionsFor(key)).length < flow.maxReceiveCount) expect(midway?.status).toBe('PROCESSING');

    const failed = await waitForStatus(clients, owner, image.id, ['FAILED'], 120_000);
    expect(failed.error).toMatchObject({ code: 'ServiceUnavailable' });
    const attempts = await executionsFor(key);
    expect(attempts).toHaveLength(flow.maxReceiveCount);
    expect(attempts.every((execution) => execution.status === 'FAILED')).toBe(true);

    await eventually(async () => ((await inDlq()) > before ? true : undefined), {
      what: 'the message in the DLQ',
    });

    // The platform recovers; the documented redrive (README) moves the message back.
    await admin('faults', { method: 'PUT', body: '[]' });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes?.QueueArn }));

    const finished = await waitForStatus(clients, owner, image.id, ['COMPLETED'], 60_000);
    expect(finished.error).toBeUndefined();
    expect(finished.thumbnails).toHaveLength(6);
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: Attributes?.QueueArn }));
    expect(tasks.Results?.[0]?.Status).toBe('COMPLETED');
  });
});
