import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadPipelineDefinition,
  type PipelineSubstitution,
  pipelineDefinitionPath,
  pipelineSubstitutionNames,
  substituteDefinition,
} from './pipeline-definition.ts';

/** `${Name}`, spelled without a template literal. */
const placeholder = (name: string) => ['$', '{', name, '}'].join('');

const values = Object.fromEntries(
  pipelineSubstitutionNames.map((name) => [name, `value-of-${name}`]),
) as Record<PipelineSubstitution, string>;

describe('loadPipelineDefinition', () => {
  it('fills every placeholder of pipeline.asl.json and nothing else', () => {
    const raw = readFileSync(pipelineDefinitionPath, 'utf8');
    const placeholders = new Set([...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual([...pipelineSubstitutionNames].sort());

    const loaded = loadPipelineDefinition(values);
    expect(loaded).not.toMatch(/\$\{/);
    const machine = JSON.parse(loaded);
    expect(machine.States.Inspect.Parameters.FunctionName).toBe('value-of-InspectFunctionArn');
    expect(machine.States.MarkProcessing.Parameters.TableName).toBe('value-of-TableName');
  });

  it('throws naming the substitution that is missing', () => {
    const { PublishFunctionArn: _omitted, ...partial } = values;
    expect(() => loadPipelineDefinition(partial as Record<PipelineSubstitution, string>)).toThrow(
      /missing pipeline substitutions: PublishFunctionArn/,
    );
  });

  it('leaves CDK tokens in values alone, since values are not rescanned', () => {
    const token = placeholder('Token[TOKEN.123]');
    const machine = JSON.parse(loadPipelineDefinition({ ...values, TableName: token }));
    expect(machine.States.LookUpImage.Parameters.TableName).toBe(token);
  });
});

describe('substituteDefinition', () => {
  it('throws on a placeholder it has no value for', () => {
    expect(() =>
      substituteDefinition(`{"a": "${placeholder('Known')}", "b": "${placeholder('Unknown')}"}`, {
        Known: 'x',
      }),
    ).toThrow(/no substitution for: \$\{Unknown\}/);
  });

  it('substitutes exact names only and escapes values for JSON', () => {
    const out = substituteDefinition(`{"a": "${placeholder('Name')}", "b": "${placeholder('NameArn')}"}`, {
      Name: 'say "hi"',
      NameArn: 'arn',
    });
    expect(JSON.parse(out)).toEqual({ a: 'say "hi"', b: 'arn' });
  });
});
