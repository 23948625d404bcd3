/**
 * CodeDeploy BeforeAllowTraffic hook shared by every function's deployment group: smoke-tests the
 * group's new version (smoke-test.ts) and reports the verdict to CodeDeploy.
 */
import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { preTrafficHook } from '../../contracts/function-specs.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, tracer } from '../shared/powertools.ts';
import { smokeTest } from './smoke-test.ts';

const targetVersions = z
  .record(z.string(), z.string())
  .parse(JSON.parse(process.env[preTrafficHook.targetVersionsVariable] ?? '{}'));
const codedeploy = tracer.captureAWSv3Client(new CodeDeployClient({}));
const lambda = tracer.captureAWSv3Client(new LambdaClient({}));

export const hookEvent = z.object({
  DeploymentId: z.string().min(1),
  LifecycleEventHookExecutionId: z.string().min(1),
});

export async function handler(event: unknown, context?: Context): Promise<void> {
  if (context) logger.addContext(context);
  const { DeploymentId, LifecycleEventHookExecutionId } = parseEvent(hookEvent, event);
  const outcome = await smokeTest(
    {
      deploymentGroupOf: async (deploymentId) => {
        const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        return deploymentInfo?.deploymentGroupName ?? '';
      },
      invoke: async (versionArn, payload) => {
        const answer = await lambda.send(
          new InvokeCommand({ FunctionName: versionArn, Payload: new TextEncoder().encode(payload) }),
        );
        return {
          ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
          payload: new TextDecoder().decode(answer.Payload ?? new Uint8Array()),
        };
      },
    },
    targetVersions,
    DeploymentId,
  );
  logger.info('pre-traffic smoke test', { deploymentId: DeploymentId, ...outcome });
  await codedeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: DeploymentId,
      lifecycleEventHookExecutionId: LifecycleEventHookExecutionId,
      status: outcome.status,
    }),
  );
}
