/**
 * Loads contracts/pipeline.asl.json and fills in its `${Name}` placeholders. The CDK app and the local
 * Step Functions provider both run the definition through here, so they run the same file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const pipelineDefinitionPath = fileURLToPath(new URL('./pipeline.asl.json', import.meta.url));

/** Every placeholder the definition uses (docs/contracts.md, "State machine"). */
export const pipelineSubstitutionNames = [
  'TableName',
  'BucketName',
  'InspectFunctionArn',
  'ThumbnailsFunctionArn',
  'AnalyseFunctionArn',
  'FlagFunctionArn',
  'SaveResultFunctionArn',
  'MarkFailedFunctionArn',
  'PublishFunctionArn',
  'ApproveFunctionArn',
] as const;

export type PipelineSubstitution = (typeof pipelineSubstitutionNames)[number];

const placeholder = /\$\{([^}]*)\}/g;

/**
 * Substitutes every `${Name}` of `template` in one pass (values are not rescanned, so CDK tokens,
 * which look like `${Token[…]}`, pass through). Throws on a placeholder with no value.
 */
export function substituteDefinition(
  template: string,
  substitutions: Readonly<Record<string, string>>,
): string {
  const unknown = new Set<string>();
  const result = template.replace(placeholder, (_match, name: string) => {
    const value = Object.hasOwn(substitutions, name) ? substitutions[name] : undefined;
    if (typeof value !== 'string') {
      unknown.add(name);
      return '';
    }
    // Values land inside JSON strings: escape them as JSON would.
    return JSON.stringify(value).slice(1, -1);
  });
  if (unknown.size > 0) {
    throw new Error(
      `pipeline definition has no substitution for: ${[...unknown].map((n) => `\${${n}}`).join(', ')}`,
    );
  }
  return result;
}

/** The definition as a JSON string, ready for `DefinitionBody.fromString` or a local run. */
export function loadPipelineDefinition(substitutions: Record<PipelineSubstitution, string>): string {
  const missing = pipelineSubstitutionNames.filter((name) => typeof substitutions[name] !== 'string');
  if (missing.length > 0) {
    throw new Error(`missing pipeline substitutions: ${missing.join(', ')}`);
  }
  return substituteDefinition(readFileSync(pipelineDefinitionPath, 'utf8'), substitutions);
}
