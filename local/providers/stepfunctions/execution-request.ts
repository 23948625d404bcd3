/**
 * The `input` and `name` of a StartExecution / StartSyncExecution request, checked as Step
 * Functions checks them before an execution exists: a string of JSON up to 256 KiB, and a name
 * AWS would accept. What the local interpreter could not run (nesting deep enough to overflow a
 * recursive walk) is refused here with a cause, never a stack overflow mid-execution.
 */
import { AwsError } from '../../provider.ts';

/** The API's `input` length constraint (characters). */
export const maxExecutionInputLength = 262_144;
/** Execution names: 1–80 characters, none of the ones AWS forbids. */
const maxNameLength = 80;
// White space, brackets, wildcards, the listed specials and control characters (AWS's list).
const forbiddenInName = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;

export function executionInput(request: Record<string, unknown>): unknown {
  const { input } = request;
  if (input === undefined) return {};
  if (typeof input !== 'string') {
    throw new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected: input must be a string of JSON.',
    );
  }
  if (input.length > maxExecutionInputLength) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${maxExecutionInputLength}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    throw new AwsError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${error instanceof Error ? error.message : String(error)}'`,
    );
  }
  try {
    // The interpreter walks the input recursively (paths, parameters, the record's copy).
    JSON.stringify(value);
  } catch {
    throw new AwsError(
      'InvalidExecutionInput',
      'Invalid State Machine Execution Input: the JSON is nested too deeply to run.',
    );
  }
  return value;
}

/** The execution name, or undefined to let the service pick one. */
export function executionName(request: Record<string, unknown>): string | undefined {
  const { name } = request;
  if (name === undefined) return undefined;
  if (typeof name !== 'string') {
    throw new AwsError('SerializationException', 'name must be a string.');
  }
  if (name.length < 1 || name.length > maxNameLength || forbiddenInName.test(name)) {
    throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
  }
  return name;
}
