/**
 * Milestones (issue 19): a step that reaches one records it on the item — `stage`, the facts that
 * come with it, and one atomic ADD to `sequence` — then publishes it (`publishImageProgress`,
 * AppSync with IAM). Best-effort by design: progress is a courtesy to a watching client, so a
 * failed write or publish is logged and counted, never thrown — it never fails or retries the image.
 * Why calls from the steps rather than the table's change stream: docs/contracts.md, "Milestones".
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

export interface Milestones {
  /** Writes the milestone (only while the image is PROCESSING), then publishes it. Never throws. */
  reached(key: ImageKey, stage: ImageStage, facts?: MilestoneFacts): Promise<void>;
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

  return {
    async reached(key, stage, facts = {}) {
      try {
        const names = Object.keys(facts);
        await deps.documents.send(
          new UpdateCommand({
            TableName: deps.tableName,
            Key: { owner: key.owner, id: key.id },
            // Only a PROCESSING image moves: a late step must not touch a settled or deleted one.
            ConditionExpression: '#status = :processing',
            UpdateExpression:
              `SET #stage = :stage${names.map((name) => `, #${name} = :${name}`).join('')} ` +
              sequenceAddClause,
            ExpressionAttributeNames: {
              '#status': 'status',
              '#stage': progressAttributes.stage,
              '#sequence': progressAttributes.sequence,
              ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
            },
            ExpressionAttributeValues: {
              ':processing': 'PROCESSING' satisfies ImageStatus,
              ':stage': stage,
              ':sequenceStep': sequenceStep,
              ...Object.fromEntries(names.map((name) => [`:${name}`, facts[name]])),
            },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) {
          logger.info('milestone skipped: the image is no longer PROCESSING', { ...key, stage });
          return;
        }
        dropped(key, stage, error);
        return;
      }
      try {
        await publish(key);
      } catch (error) {
        dropped(key, stage, error);
      }
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
