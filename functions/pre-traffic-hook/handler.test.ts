import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { preTrafficHook } from '../../contracts/function-specs.ts';
import { loadHandler } from '../test-support/load-handler.ts';

const codedeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const version = 'arn:aws:lambda:eu-west-1:123456789012:function:darkroom-publish:12';

const { handler } = await loadHandler(() => import('./handler.ts'), {
  [preTrafficHook.targetVersionsVariable]: JSON.stringify({ 'darkroom-publish': version }),
});

beforeEach(() => {
  codedeploy.reset();
  lambda.reset();
  codedeploy
    .on(GetDeploymentCommand)
    .resolves({ deploymentInfo: { deploymentGroupName: 'darkroom-publish' } });
});

/** Lambda's Invoke payload type (a Uint8Array the SDK adapts). */
function payload(body: unknown) {
  return new TextEncoder().encode(JSON.stringify(body)) as InvokeCommandOutput['Payload'];
}

const hookEvent = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'hook-1' };

function reported(): unknown[] {
  return codedeploy
    .commandCalls(PutLifecycleEventHookExecutionStatusCommand)
    .map((call) => call.args[0].input);
}

describe('pre-traffic hook handler', () => {
  it("reports Succeeded when the group's new version refuses the empty event itself", async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'ValidationError' }),
    });

    // Act
    await handler(hookEvent);

    // Assess
    expect(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input.FunctionName)).toEqual([version]);
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-1', status: 'Succeeded' },
    ]);
  });

  it('reports Failed when the new version cannot load, so CodeDeploy rolls back', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'Runtime.ImportModuleError' }),
    });

    // Act
    await handler(hookEvent);

    // Assess
    expect(reported()).toEqual([expect.objectContaining({ status: 'Failed' })]);
  });

  it('refuses an event without the CodeDeploy ids, reporting nothing', async () => {
    await expect(handler({ DeploymentId: 'd-1' })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(reported()).toEqual([]);
  });
});
