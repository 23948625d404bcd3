/**
 * `deleteImage`: every S3 object of the image (all versions, both prefixes), then the item.
 * A pipeline still running loses: its final writes are conditional on the item and clean up after
 * themselves when it is gone.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../contracts/names.ts';
import { type ImageRecord, toImage } from '../shared/image-item.ts';
import { deleteLabelIndex } from '../shared/label-index-items.ts';
import { purgeImageObjects, purgePrefixes } from '../shared/purge-objects.ts';
import { deleteImageItem } from './delete-item.ts';

export interface DeleteImageDeps {
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
}

/** Returns the deleted image, or null when the owner has no such image (nothing is touched then). */
export async function deleteImage(
  deps: DeleteImageDeps,
  key: { owner: string; id: string },
): Promise<ImageRecord | null> {
  const found = await deps.documents.send(
    new GetCommand({
      TableName: deps.tableName,
      Key: { owner: key.owner, id: key.id },
      ConsistentRead: true,
    }),
  );
  if (!found.Item) return null;
  // Mapped before anything is deleted: an item we cannot read must not be half-deleted.
  const image = toImage(found.Item);

  await purgeImageObjects(deps.s3, deps.bucket, key);
  const deleted = await deleteImageItem(deps.documents, deps.tableName, key, found.Item);
  const gone = deleted ? toImage(deleted) : image;
  await deleteLabelIndex(deps.documents, deps.tableName, key, gone.analysis?.labels ?? []);
  // A thumbnail written between the purge and the DeleteItem would otherwise outlive the item.
  await purgePrefixes(deps.s3, deps.bucket, [keys.thumbnailPrefix(key.owner, key.id)]);
  return gone;
}
