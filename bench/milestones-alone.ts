/**
 * What the real-time milestones (issue 19) add to each image, driven on their own against a running
 * stack: for every image, the calls its steps make for progress and nothing else — inspect's
 * UPLOADED announcement and INSPECTED milestone, the thumbnails step's THUMBNAILS_READY under its
 * lease, analyse's ANALYSED — each a conditional UpdateItem and an IAM-signed publishImageProgress,
 * through functions/shared/milestones.ts as the steps call it. The images are PROCESSING items
 * written straight to DynamoDB. `npm run bench:pipeline` times this beside the pipeline's phases,
 * so the milestones' share of the pipeline's CPU per image comes from one run.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ownerStatusKey } from '../contracts/image-item.ts';
import { milestonePublishTimeoutMs } from '../contracts/image-stage.ts';
import { names } from '../contracts/names.ts';
import { createAppSyncClient } from '../functions/shared/appsync-client.ts';
import { createMilestones } from '../functions/shared/milestones.ts';

export interface MilestoneTarget {
  url: string;
  graphqlUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Writes `count` PROCESSING images under a lease; returns a function that runs their milestones. */
export async function preparedMilestones(stack: MilestoneTarget, count: number, concurrency = 4) {
  const region = 'us-east-1';
  const credentials = { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey };
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.url, region, credentials }),
  );
  const owner = `milestones-${Date.now()}`;
  const leaseToken = 'bench-lease';
  const at = new Date().toISOString();
  const ids = Array.from({ length: count }, (_, i) => `01MILESTONES${String(i).padStart(14, '0')}`);
  for (let i = 0; i < ids.length; i += 25) {
    const items = ids.slice(i, i + 25).map((id) => ({
      owner,
      id,
      fileName: 'bench.jpg',
      contentType: 'image/jpeg',
      size: 1_234_567,
      status: 'PROCESSING',
      ownerStatus: ownerStatusKey(owner, 'PROCESSING'),
      leaseToken,
      createdAt: at,
      updatedAt: at,
    }));
    await documents.send(
      new BatchWriteCommand({
        RequestItems: { [names.table]: items.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  const milestones = createMilestones({
    documents,
    tableName: names.table,
    appsync: createAppSyncClient({
      url: stack.graphqlUrl,
      region,
      credentials,
      attempts: 1,
      attemptTimeoutMs: milestonePublishTimeoutMs,
    }),
  });
  /** Every image's milestones, `concurrency` images at a time; resolves with how many went wrong. */
  return async (): Promise<number> => {
    let next = 0;
    let wrong = 0;
    const worker = async () => {
      while (next < ids.length) {
        const key = { owner, id: ids[next++] as string };
        await milestones.announce(key);
        await milestones.reached(key, 'INSPECTED', { width: 1732, height: 1155, format: 'jpeg' });
        const check = await milestones.reachedUnderLease(key, 'THUMBNAILS_READY', leaseToken);
        if (check.lease !== 'held') wrong += 1;
        await milestones.reached(key, 'ANALYSED');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return wrong;
  };
}
