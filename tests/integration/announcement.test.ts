/**
 * Issue 13, defects 3 and 4: every terminal state is announced at least once. An execution that
 * dies after saving its result (kill -9, a timeout during Publish) leaves the item terminal and
 * UNANNOUNCED on the sparse byStatus index; the sweeper announces it, with the dedupe key, and
 * records it, so the next sweep does not announce it again.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { clientsFor, getImageItem, snsMessagesAbout, ulid } from './support.ts';

describe('a terminal image whose execution died before announcing it', () => {
  it('is announced by the sweeper once, with its dedupe key, and recorded', async () => {
    const clients = clientsFor();
    const owner = `test-${ulid().toLowerCase()}`;
    const id = ulid();
    // As save-result leaves it: COMPLETED, unannounced, saved ten minutes ago.
    const savedAt = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    await clients.documents.send(
      new PutCommand({
        TableName: names.table,
        Item: {
          owner,
          id,
          fileName: 'lost.jpg',
          contentType: 'image/jpeg',
          size: 1000,
          status: 'COMPLETED',
          ownerStatus: `${owner}#COMPLETED`,
          statusKey: 'UNANNOUNCED',
          createdAt: savedAt,
          updatedAt: savedAt,
          processedAt: savedAt,
          width: 10,
          height: 10,
          format: 'jpeg',
          thumbnails: [],
        },
      }),
    );
    const runSweeper = async () => {
      const result = await clients.lambda.send(
        new InvokeCommand({ FunctionName: names.functions.sweeper, Payload: JSON.stringify({}) }),
      );
      expect(result.FunctionError).toBeUndefined();
    };

    await runSweeper();

    const messages = await snsMessagesAbout(id);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Message ?? '{}')).toEqual({
      owner,
      id,
      status: 'COMPLETED',
      dedupeKey: `${id}#COMPLETED#${savedAt}`,
    });
    const item = await getImageItem(clients, owner, id);
    expect(item?.publishedAt).toEqual(expect.any(String));
    expect(item?.statusKey).toBeUndefined();

    await runSweeper();
    expect(await snsMessagesAbout(id)).toHaveLength(1);
  });
});
