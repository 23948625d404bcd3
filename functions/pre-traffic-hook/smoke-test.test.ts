import { describe, expect, it } from 'vitest';
import { type InvokeResult, judge, type SmokeTestDeps, smokeTest, smokeTestEvent } from './smoke-test.ts';

const versions = { 'darkroom-inspect': 'arn:aws:lambda:eu-west-1:123456789012:function:darkroom-inspect:7' };

function deps(
  answer: InvokeResult | Error,
  group = 'darkroom-inspect',
): SmokeTestDeps & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    deploymentGroupOf: async () => group,
    invoke: async (arn, payload) => {
      calls.push([arn, payload]);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('pre-traffic smoke test', () => {
  it('invokes exactly the new version of the deployment group, once, with the empty event', async () => {
    // Prepare
    const collaborators = deps({ payload: '{"swept":0}' });

    // Act
    const outcome = await smokeTest(collaborators, versions, 'd-ABC');

    // Assess
    expect(outcome.status).toBe('Succeeded');
    expect(collaborators.calls).toEqual([[versions['darkroom-inspect'], smokeTestEvent]]);
  });

  it("passes a version that refuses the empty event with the handler's own ValidationError", () => {
    const outcome = judge({
      functionError: 'Unhandled',
      payload: JSON.stringify({ errorType: 'ValidationError', errorMessage: 'invalid event: bucket: …' }),
    });
    expect(outcome.status).toBe('Succeeded');
  });

  it.each([
    ['a module that cannot load', 'Runtime.ImportModuleError'],
    ['a missing environment variable', 'MissingEnvironment'],
    ['a timeout', 'Sandbox.Timedout'],
  ])('fails %s', (_, errorType) => {
    const outcome = judge({ functionError: 'Unhandled', payload: JSON.stringify({ errorType }) });
    expect(outcome).toEqual({ status: 'Failed', reason: `the new version failed: ${errorType}` });
  });

  it('fails when the invocation itself is refused', async () => {
    const outcome = await smokeTest(deps(new Error('AccessDeniedException')), versions, 'd-ABC');
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain('AccessDeniedException');
  });

  it('fails a deployment group it has no version for, without invoking anything', async () => {
    const collaborators = deps({ payload: '{}' }, 'darkroom-unknown');
    const outcome = await smokeTest(collaborators, versions, 'd-ABC');
    expect(outcome.status).toBe('Failed');
    expect(collaborators.calls).toEqual([]);
  });
});
