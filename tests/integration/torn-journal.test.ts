/**
 * `kill -9` during an append can leave the last line of a data-folder journal torn. SNS's
 * messages.jsonl once made every later `npm start` fail ("the sns provider did not start:
 * Unterminated string in JSON"), so the stack could not come back on its own data. The torn,
 * never-acknowledged record is dropped; every whole one is kept, and new ones follow it.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildStacks } from './child-stack.ts';
import { admin, stackInfo } from './support.ts';

const stacks = new ChildStacks();
afterAll(() => stacks.cleanUp());

const topicArn = 'arn:aws:sns:us-east-1:000000000000:image-processed';

describe('a data folder whose SNS journal ends in a torn record', () => {
  it('still starts, keeps the whole records and appends new ones after them', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-torn-'));
    await mkdir(path.join(dataDir, 'sns'), { recursive: true });
    const whole = { MessageId: 'whole-1', TopicArn: topicArn, Message: '{"id":"before"}' };
    await writeFile(
      path.join(dataDir, 'sns', 'messages.jsonl'),
      `${JSON.stringify(whole)}\n{"MessageId":"torn","TopicArn":"arn:aws:sns:us-ea`,
    );

    const stack = await stacks.start(dataDir);
    const { accessKeyId, secretAccessKey } = stackInfo();
    const sns = new SNSClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey },
    });
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"id":"after"}' }));
    const listed = await admin<Array<{ MessageId: string; Message: string }>>('sns/messages', {}, stack);
    expect(listed.map((message) => message.Message)).toEqual(['{"id":"before"}', '{"id":"after"}']);

    // And again: the record written after the torn one is whole on the next start.
    await stacks.stop(stack);
    const again = await stacks.start(dataDir);
    const relisted = await admin<Array<{ Message: string }>>('sns/messages', {}, again);
    expect(relisted.map((message) => message.Message)).toEqual(['{"id":"before"}', '{"id":"after"}']);
  });
});
