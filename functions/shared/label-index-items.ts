/**
 * The label index's items (contracts/label-index.ts) as DynamoDB writes: save-result puts them in
 * its transaction, deleteImage deletes them once the image is gone.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { labelPartition, labelTerms } from '../../contracts/label-index.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Labels = ReadonlyArray<{ name: string; parents: readonly string[] }>;
type ImageKey = { owner: string; id: string };

function indexKeys(key: ImageKey, labels: Labels): ImageKey[] {
  return labelTerms(labels).map((term) => ({ owner: labelPartition(key.owner, term), id: key.id }));
}

/** One Put per label term of the image. */
export function labelIndexPuts(tableName: string, key: ImageKey, labels: Labels): TransactItem[] {
  return indexKeys(key, labels).map((Item) => ({ Put: { TableName: tableName, Item } }));
}

/** DynamoDB's BatchWriteItem limit. */
const batchSize = 25;
const maxRounds = 5;

/**
 * Deletes the image's label index items. Idempotent; a leftover item is harmless (search reads the
 * image itself and drops what is gone) but worth retrying the unprocessed ones a few rounds.
 */
export async function deleteLabelIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: ImageKey,
  labels: Labels,
): Promise<void> {
  const keys = indexKeys(key, labels);
  for (let start = 0; start < keys.length; start += batchSize) {
    let requests = keys.slice(start, start + batchSize).map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; requests.length > 0 && round < maxRounds; round += 1) {
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}
