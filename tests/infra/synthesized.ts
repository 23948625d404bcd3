/** The assembly the global setup synthesized, read once per test file. */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { liveAlias } from '../../contracts/function-specs.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

const synth = inject('infraSynth');

export const templateJson = JSON.parse(readFileSync(synth.templatePath, 'utf8')) as CfnTemplate;
export const template = Template.fromJSON(templateJson);
export const synthMs = synth.synthMs;

export function readJson<T>(file: 'validationReportPath' | 'metadataPath'): T {
  return JSON.parse(readFileSync(synth[file], 'utf8')) as T;
}

/** Resources of one CloudFormation type, by logical id. */
export function resourcesOfType(type: string): [string, CfnResource][] {
  return Object.entries(templateJson.Resources).filter(([, resource]) => resource.Type === type);
}

/** The one resource of a type whose properties include `name: value`. */
export function resourceNamed(type: string, key: string, value: string): [string, CfnResource] {
  const found = resourcesOfType(type).filter(([, r]) => r.Properties?.[key] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${key}=${value}, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

export function propsOf(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/** The logical id a `{"Fn::GetAtt": [id, attribute]}` points at. */
export function getAttTarget(value: unknown): string {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string') {
    throw new Error(`not a Fn::GetAtt: ${JSON.stringify(value)}`);
  }
  return getAtt[0];
}

/** The Lambda functions the state machine runs, as docs/contracts.md lists them (written out, not read from infra). */
export const pipelineFunctionIds = [
  'inspect',
  'thumbnails',
  'analyse',
  'flag',
  'saveResult',
  'markFailed',
  'publish',
] as const;

/** The logical id of the `live` alias of one of our functions (its Ref is the alias ARN). */
export function liveAliasOf(functionName: string): string {
  const [functionId] = resourceNamed('AWS::Lambda::Function', 'FunctionName', functionName);
  const found = resourcesOfType('AWS::Lambda::Alias').filter(
    ([, a]) =>
      a.Properties?.Name === liveAlias &&
      JSON.stringify(a.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
  );
  if (found.length !== 1)
    throw new Error(`expected one live alias of ${functionName}, found ${found.length}`);
  return (found[0] as [string, CfnResource])[0];
}
