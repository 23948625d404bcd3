/**
 * The pipeline's `publishImageProcessed(owner, id)` call. It selects the whole Image (the client
 * SDK's document), because subscribers receive exactly the fields the publishing mutation selected.
 */
import { print } from 'graphql';
import {
  PublishImageProcessedDocument,
  type PublishImageProcessedMutation,
} from '../../client-sdk/generated/operations.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import type { AppSyncClient } from './appsync-client.ts';

/** Printed once per cold start. */
export const publishImageProcessedQuery = print(PublishImageProcessedDocument);

export interface PublishResult {
  /** False only when the image no longer exists (deleted meanwhile): nothing reached subscribers. */
  published: boolean;
  status: ImageStatus | null;
  /** The image as subscribers received it (status and processedAt make the announcement's dedupe key). */
  image?: { status: ImageStatus; processedAt?: string | null };
}

export async function publishImageProcessed(
  appsync: AppSyncClient,
  key: { owner: string; id: string },
): Promise<PublishResult> {
  const data = await appsync.request<PublishImageProcessedMutation>(publishImageProcessedQuery, {
    owner: key.owner,
    id: key.id,
  });
  const image = data.publishImageProcessed;
  return image
    ? {
        published: true,
        status: image.status,
        image: { status: image.status, processedAt: image.processedAt },
      }
    : { published: false, status: null };
}
