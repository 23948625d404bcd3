/**
 * The canary's pre-traffic check: invoke the new version once, before any traffic shifts to it,
 * with an empty event. A version that loads, reads its environment and runs its handler answers,
 * or refuses the empty event with its own ValidationError; one that cannot load, crashes or times
 * out fails the deployment, which CodeDeploy then rolls back.
 */
export type HookStatus = 'Succeeded' | 'Failed';

/** What Lambda's Invoke answered: `functionError` is set when the function raised. */
export interface InvokeResult {
  functionError?: string;
  payload: string;
}

export interface SmokeTestDeps {
  /** The deployment group a CodeDeploy deployment belongs to. */
  deploymentGroupOf(deploymentId: string): Promise<string>;
  invoke(versionArn: string, payload: string): Promise<InvokeResult>;
}

/** The event the new version receives: deliberately empty, so no handler does real work with it. */
export const smokeTestEvent = '{}';

/** The error a handler raises itself for an event it refuses: proof the code loaded and ran. */
const refusalErrorType = 'ValidationError';

export interface SmokeTestOutcome {
  status: HookStatus;
  reason: string;
}

/** Judges one Invoke result. */
export function judge(result: InvokeResult): SmokeTestOutcome {
  if (!result.functionError) return { status: 'Succeeded', reason: 'the new version answered' };
  const errorType = errorTypeOf(result.payload);
  if (errorType === refusalErrorType) {
    return { status: 'Succeeded', reason: 'the new version ran and refused the empty event' };
  }
  return { status: 'Failed', reason: `the new version failed: ${errorType ?? result.functionError}` };
}

/** Finds the deployment's target version, invokes it once and judges the answer. */
export async function smokeTest(
  deps: SmokeTestDeps,
  targetVersions: Readonly<Record<string, string>>,
  deploymentId: string,
): Promise<SmokeTestOutcome> {
  const group = await deps.deploymentGroupOf(deploymentId);
  const versionArn = targetVersions[group];
  if (!versionArn)
    return { status: 'Failed', reason: `no target version known for deployment group ${group}` };
  try {
    return judge(await deps.invoke(versionArn, smokeTestEvent));
  } catch (error) {
    return { status: 'Failed', reason: `could not invoke ${versionArn}: ${(error as Error).message}` };
  }
}

function errorTypeOf(payload: string): string | undefined {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}
