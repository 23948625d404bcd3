/**
 * Milestones (issue 19): a step that reaches one records it on the item — `stage`, the facts that
 * come with it, and one atomic ADD to `sequence` — then publishes it (`publishImageProgress`,
 * AppSync with IAM). Best-effort by design: progress is a courtesy to a watching client, so a
 * failed write or publish is logged and counted, never thrown — it never fails or retries the image.
 * Why calls from the steps rather than the table's change stream: docs/contracts.md, "Milestones".
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  milestonePublishTimeoutMs,
  progressAttributes,
  sequenceAddClause,
  sequenceStep,
} from '../../contracts/image-stage.ts';
import type { ImageStage, ImageStatus } from '../../generated/schema.ts';
import { type AppSyncClient, appSyncClientFromEnvironment } from './appsync-client.ts';
import { documentClient } from './clients.ts';
import { readEnv } from './env.ts';
import { isConditionalCheckFailed } from './image-item.ts';
import { logger, metrics } from './powertools.ts';
import { publishImageProgressQuery } from './publish-image-progress.ts';

export interface ImageKey {
  owner: string;
  id: string;
}

/** Facts a milestone stores with it (INSPECTED: width, height, format). */
export type MilestoneFacts = Record<string, string | number>;

/** What a milestone written under a lease found (`reachedUnderLease`). */
export type LeaseCheck =
  /** This execution holds the lease: the milestone was written (and published, best-effort). */
  | { lease: 'held' }
  /** It does not: nothing was written; `item` is the image as stored (undefined: deleted). */
  | { lease: 'lost'; item: Record<string, unknown> | undefined }
  /** The write failed for another reason (dropped, logged and counted): the lease is unchecked. */
  | { lease: 'unchecked' };

export interface Milestones {
  /** Writes the milestone (only while the image is PROCESSING), then publishes it. Never throws. */
  reached(key: ImageKey, stage: ImageStage, facts?: MilestoneFacts): Promise<void>;
  /**
   * Writes the milestone only while the image is PROCESSING under `leaseToken`, then publishes it.
   * The one conditional write is also the step's lease check: when it fails, DynamoDB returns the
   * item as stored, so no read is needed to learn whose it is. Never throws.
   */
  reachedUnderLease(key: ImageKey, stage: ImageStage, leaseToken: string): Promise<LeaseCheck>;
  /** Publishes the image as stored (a milestone an earlier write recorded). Never throws. */
  announce(key: ImageKey): Promise<void>;
}

export interface MilestoneDeps {
  documents: Pick<DynamoDBDocumentClient, 'send'>;
  appsync: AppSyncClient;
  tableName: string;
}

export function createMilestones(deps: MilestoneDeps): Milestones {
  async function publish(key: ImageKey): Promise<void> {
    await deps.appsync.request(publishImageProgressQuery, { owner: key.owner, id: key.id });
  }

  function dropped(key: ImageKey, stage: ImageStage | 'current', error: unknown): void {
    logger.warn('milestone not published; the image goes on', {
      ...key,
      stage,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    metrics.addMetric('MilestonesDropped', MetricUnit.Count, 1);
  }

  /** The milestone's UpdateItem: stage, facts and one ADD to sequence; under the lease when given. */
  function milestoneWrite(key: ImageKey, stage: ImageStage, facts: MilestoneFacts, lease?: string) {
    const names = Object.keys(facts);
    return new UpdateCommand({
      TableName: deps.tableName,
      Key: { owner: key.owner, id: key.id },
      // Only a PROCESSING image moves: a late step must not touch a settled or deleted one.
      ConditionExpression: `#status = :processing${lease === undefined ? '' : ' AND #leaseToken = :leaseToken'}`,
      UpdateExpression: `SET #stage = :stage${names.map((name) => `, #${name} = :${name}`).join('')} ${sequenceAddClause}`,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#stage': progressAttributes.stage,
        '#sequence': progressAttributes.sequence,
        ...(lease === undefined ? {} : { '#leaseToken': 'leaseToken' }),
        ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
      },
      ExpressionAttributeValues: {
        ':processing': 'PROCESSING' satisfies ImageStatus,
        ':stage': stage,
        ':sequenceStep': sequenceStep,
        ...(lease === undefined ? {} : { ':leaseToken': lease }),
        ...Object.fromEntries(names.map((name) => [`:${name}`, facts[name]])),
      },
      // A lease check must see whose the image is when the condition fails.
      ...(lease === undefined ? {} : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
    });
  }

  async function publishReached(key: ImageKey, stage: ImageStage): Promise<void> {
    try {
      await publish(key);
    } catch (error) {
      dropped(key, stage, error);
    }
  }

  return {
    async reached(key, stage, facts = {}) {
      try {
        await deps.documents.send(milestoneWrite(key, stage, facts));
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          logger.info('milestone skipped: the image is no longer PROCESSING', { ...key, stage });
          return;
        }
        dropped(key, stage, error);
        return;
      }
      await publishReached(key, stage);
    },
    async reachedUnderLease(key, stage, leaseToken) {
      try {
        await deps.documents.send(milestoneWrite(key, stage, {}, leaseToken));
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          logger.info('milestone skipped: the image is no longer PROCESSING under this lease', {
            ...key,
            stage,
          });
          const stored = (error as ConditionalCheckFailedException).Item;
          return { lease: 'lost', item: stored ? unmarshall(stored) : undefined };
        }
        dropped(key, stage, error);
        return { lease: 'unchecked' };
      }
      await publishReached(key, stage);
      return { lease: 'held' };
    },
    async announce(key) {
      try {
        await publish(key);
      } catch (error) {
        dropped(key, 'current', error);
      }
    },
  };
}

/** A step's milestones from its environment (TABLE_NAME, GRAPHQL_URL): one short publish attempt. */
export function milestonesFromEnvironment(env: NodeJS.ProcessEnv = process.env): Milestones {
  const { TABLE_NAME, GRAPHQL_URL } = readEnv(['TABLE_NAME', 'GRAPHQL_URL'], env);
  return createMilestones({
    documents: documentClient(),
    tableName: TABLE_NAME,
    appsync: appSyncClientFromEnvironment(GRAPHQL_URL, env, {
      attempts: 1,
      attemptTimeoutMs: milestonePublishTimeoutMs,
    }),
  });
}
