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

  describe('reachedUnderLease', () => {
    const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:e-1:1';

    it('writes the milestone only under this execution’s lease, then publishes: one call checks both', async () => {
      documents.on(UpdateCommand).resolves({});
      const { appsync, calls } = recordingAppSync();

      const check = await milestones(appsync).reachedUnderLease(key, 'THUMBNAILS_READY', token);

      expect(check).toEqual({ lease: 'held' });
      const updates = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({
        Key: key,
        ConditionExpression: '#status = :processing AND #leaseToken = :leaseToken',
        UpdateExpression: 'SET #stage = :stage ADD #sequence :sequenceStep',
        ExpressionAttributeNames: { '#leaseToken': 'leaseToken' },
        ExpressionAttributeValues: { ':leaseToken': token, ':stage': 'THUMBNAILS_READY', ':sequenceStep': 1 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(calls).toEqual([{ query: publishImageProgressQuery, variables: key }]);
    });

    it('returns the item as DynamoDB returned it when the lease is gone, and publishes nothing', async () => {
      documents.on(UpdateCommand).rejects(
        new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          Item: {
            status: { S: 'FAILED' },
            thumbnails: { L: [{ M: { key: { S: 'thumbnails/alice/01KIMAGE/small-1.jpg' } } }] },
          },
        }),
      );
      const { appsync, calls } = recordingAppSync();

      const check = await milestones(appsync).reachedUnderLease(key, 'THUMBNAILS_READY', token);

      expect(check).toEqual({
        lease: 'lost',
        item: { status: 'FAILED', thumbnails: [{ key: 'thumbnails/alice/01KIMAGE/small-1.jpg' }] },
      });
      expect(calls).toEqual([]);
    });

    it('a deleted image is lost with no item', async () => {
      documents
        .on(UpdateCommand)
        .rejects(
          new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
        );

      const check = await milestones(recordingAppSync().appsync).reachedUnderLease(key, 'ANALYSED', token);

      expect(check).toEqual({ lease: 'lost', item: undefined });
    });

    it('never throws: a write that failed otherwise leaves the lease unchecked, and nothing is published', async () => {
      documents.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));
      const { appsync, calls } = recordingAppSync();

      const check = await milestones(appsync).reachedUnderLease(key, 'THUMBNAILS_READY', token);

      expect(check).toEqual({ lease: 'unchecked' });
      expect(calls).toEqual([]);
    });
  });
});
