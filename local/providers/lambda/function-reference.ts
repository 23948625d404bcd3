/**
 * What an Invoke names, as Lambda reads it: a function by name, partial ARN or ARN, each optionally
 * ending in `:qualifier`, and the `Qualifier` parameter; and which qualifiers the local stack
 * answers. It runs one version per function, `$LATEST`, and models the one alias every caller uses
 * in the cloud (`live`, contracts/function-specs.ts); a published version number or any other alias
 * names nothing here, so Lambda's 404 ResourceNotFoundException, never a silent `$LATEST`.
 */
import { latestVersion, liveAlias } from '../../../contracts/function-specs.ts';
import { AwsError } from '../../provider.ts';

export interface FunctionReference {
  name: string;
  /** From the name/ARN (`name:live`) or the Qualifier parameter; absent: unqualified (`$LATEST`). */
  qualifiers: string[];
}

/** Lambda's constraint on Qualifier (API reference, Invoke: length 1–128, this pattern). */
const qualifierPattern = /^[a-zA-Z0-9$_-]{1,128}$/;

/** The qualifiers the local stack answers: the only version it runs and the alias of it. */
const knownQualifiers: ReadonlySet<string> = new Set([latestVersion, liveAlias]);

/**
 * `name`, `name:q`, `123456789012:function:name[:q]` or `arn:aws:lambda:region:account:function:name[:q]`,
 * plus the Qualifier parameter when given.
 */
export function parseFunctionReference(nameOrArn: string, qualifierParameter?: string): FunctionReference {
  const [, afterFunction] = nameOrArn.split(':function:');
  const [name = '', qualifier, ...rest] = (afterFunction ?? nameOrArn).split(':');
  // More parts than name and qualifier name no function; the lookup answers for it.
  const qualifiers = [qualifier, qualifierParameter].filter((q): q is string => q !== undefined);
  return { name: rest.length > 0 ? nameOrArn : name, qualifiers };
}

/**
 * Throws what Lambda answers for a qualifier it cannot run: 400 ValidationException when it breaks
 * the documented pattern, else 404 ResourceNotFoundException naming the qualified ARN.
 */
export function checkQualifiers(reference: FunctionReference, functionArn: (name: string) => string): void {
  for (const qualifier of reference.qualifiers) {
    if (!qualifierPattern.test(qualifier)) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
        400,
      );
    }
    if (!knownQualifiers.has(qualifier)) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: ${functionArn(reference.name)}:${qualifier}`,
        404,
      );
    }
  }
}
