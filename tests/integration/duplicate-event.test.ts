import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  clientsFor,
  eventually,
  executionsFor,
  getImageItem,
  snsMessagesAbout,
  stackInfo,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser } from './users.ts';

const finished = (key: string, count: number) =>
  eventually(
    async () => {
      const found = await executionsFor(key);
      return found.length === count && found.every((e) => e.status !== 'RUNNING') ? found : undefined;
    },
    { what: `${count} finished execution(s) for ${key}` },
  );

describe('a second identical Object Created event', () => {
  it('stops at mark-PROCESSING and does no second processing', async () => {
    const clients = clientsFor();
    const jpeg = await sharp(photo('astronaut.png')).jpeg().toBuffer();
    const { image, response } = await uploadJpeg(await createUser('duplicate'), jpeg);
    expect(response.status).toBe(204);
    const key = keys.original(image.owner, image.id);
    await waitForStatus(clients, image.owner, image.id, ['COMPLETED']);
    const [first] = await finished(key, 1);
    const before = await getImageItem(clients, image.owner, image.id);
    const thumbnailKey = String(
      ((before?.thumbnails ?? []) as Array<{ key: string; size: string; format: string }>).find(
        (t) => t.size === 'LARGE' && t.format === 'WEBP',
      )?.key,
    );
    const thumbnailBefore = await clients.s3.send(
      new HeadObjectCommand({ Bucket: names.localBucket, Key: thumbnailKey }),
    );

    // At-least-once delivery: the very same event again.
    const stack = stackInfo();
    const sfn = new SFNClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
    });
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${names.stateMachine}`,
        input: first?.input,
      }),
    );
    const executions = await finished(key, 2);

    const second = executions.find((e) => e.executionArn !== first?.executionArn);
    expect(second?.states).toContain('DuplicateEvent');
    expect(second?.states).not.toContain('Inspect');
    expect(second?.states).not.toContain('Process');
    expect(await getImageItem(clients, image.owner, image.id)).toEqual(before);
    const thumbnailAfter = await clients.s3.send(
      new HeadObjectCommand({ Bucket: names.localBucket, Key: thumbnailKey }),
    );
    expect(thumbnailAfter.VersionId).toBe(thumbnailBefore.VersionId);
    expect(await snsMessagesAbout(image.id)).toHaveLength(1);
  });
});
