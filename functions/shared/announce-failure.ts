/**
 * Announces an image that was marked FAILED outside the pipeline (the sweeper, dispatch at the
 * retry limit): `publishImageProcessed` for subscribers and the topic message the pipeline's
 * NotifyFailure state sends. Each channel is tried even when the other fails.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AppSyncClient } from './appsync-client.ts';
import { publishImageProcessed } from './publish-image-processed.ts';

export interface AnnounceDeps {
  appsync: AppSyncClient;
  sns: SNSClient;
  topicArn: string;
}

export interface ImageKey {
  owner: string;
  id: string;
}

/** Resolves to the errors of the channels that failed (empty when both delivered). */
export async function announceFailure(deps: AnnounceDeps, key: ImageKey): Promise<Error[]> {
  const results = await Promise.allSettled([
    publishImageProcessed(deps.appsync, key),
    deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Message: JSON.stringify({ owner: key.owner, id: key.id, status: 'FAILED' }),
        MessageAttributes: {
          status: { DataType: 'String', StringValue: 'FAILED' },
          owner: { DataType: 'String', StringValue: key.owner },
        },
      }),
    ),
  ]);
  return results.flatMap((result) =>
    result.status === 'rejected'
      ? [result.reason instanceof Error ? result.reason : new Error(String(result.reason))]
      : [],
  );
}
