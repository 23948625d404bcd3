import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppSyncClient } from './appsync-client.ts';
import { PublishFailedError } from './errors.ts';
import { createMilestones } from './milestones.ts';
import { publishImageProgressQuery } from './publish-image-progress.ts';

const documents = mockClient(DynamoDBDocumentClient);
const key = { owner: 'alice', id: '01KIMAGE' };

function recordingAppSync(fail = false) {
  const calls: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const appsync: AppSyncClient = {
    async request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
      calls.push({ query, variables });
      if (fail) throw new PublishFailedError('AppSync answered HTTP 500');
      return { publishImageProgress: null } as T;
    },
  };
  return { appsync, calls };
}

function milestones(appsync: AppSyncClient) {
  return createMilestones({
    documents: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    appsync,
    tableName: 'Images',
  });
}

describe('milestones', () => {
  beforeEach(() => documents.reset());

  it('writes stage, facts and one ADD to sequence while PROCESSING, then publishes the image', async () => {
    documents.on(UpdateCommand).resolves({});
    const { appsync, calls } = recordingAppSync();

    await milestones(appsync).reached(key, 'INSPECTED', { width: 640, height: 480, format: 'jpeg' });

    const [update] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(update).toMatchObject({
      TableName: 'Images',
      Key: key,
      ConditionExpression: '#status = :processing',
      UpdateExpression:
        'SET #stage = :stage, #width = :width, #height = :height, #format = :format ADD #sequence :sequenceStep',
      ExpressionAttributeValues: {
        ':processing': 'PROCESSING',
        ':stage': 'INSPECTED',
        ':sequenceStep': 1,
        ':width': 640,
        ':height': 480,
        ':format': 'jpeg',
      },
    });
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#stage': 'stage', '#sequence': 'sequence' });
    expect(calls).toEqual([{ query: publishImageProgressQuery, variables: key }]);
    expect(publishImageProgressQuery).toMatch(/publishImageProgress\(owner: \$owner, id: \$id\)/);
    expect(publishImageProgressQuery).toMatch(/\bsequence\b/);
  });

  it('publishes nothing for an image that is no longer PROCESSING', async () => {
    documents
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const { appsync, calls } = recordingAppSync();

    await milestones(appsync).reached(key, 'ANALYSED');

    expect(calls).toEqual([]);
  });

  it('never throws: a failed write or publish is dropped and the image goes on', async () => {
    documents.on(UpdateCommand).rejectsOnce(new Error('ProvisionedThroughputExceededException')).resolves({});
    const { appsync, calls } = recordingAppSync(true);
    const steps = milestones(appsync);

    await expect(steps.reached(key, 'THUMBNAILS_READY')).resolves.toBeUndefined();
    await expect(steps.reached(key, 'THUMBNAILS_READY')).resolves.toBeUndefined();
    await expect(steps.announce(key)).resolves.toBeUndefined();

    // The first write failed (no publish); the second wrote and tried once; announce tried once.
    expect(calls).toHaveLength(2);
  });
});
