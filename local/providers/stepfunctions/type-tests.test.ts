// A Choice rule's `false` type test means "is not" on AWS; the local interpreter must agree.
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type JSONValue = Parameters<StateMachine['run']>[0];

import { describe, expect, it } from 'vitest';
import { withAwsTypeTests } from './type-tests.ts';

function choosing(rule: Record<string, unknown>): StateMachineDefinition {
  return {
    StartAt: 'Choose',
    States: {
      Choose: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'yes', End: true },
      No: { Type: 'Pass', Result: 'no', End: true },
    },
  } as unknown as StateMachineDefinition;
}

async function branch(rule: Record<string, unknown>, input: JSONValue): Promise<unknown> {
  const machine = new StateMachine(withAwsTypeTests(choosing(rule)));
  return machine.run(input).result;
}

describe('withAwsTypeTests', () => {
  it.each([
    ['IsNull', { x: 'a' }, 'yes'],
    ['IsNull', { x: null }, 'no'],
    ['IsString', { x: 1 }, 'yes'],
    ['IsString', { x: 'a' }, 'no'],
    ['IsNumeric', { x: 'a' }, 'yes'],
    ['IsBoolean', { x: 1 }, 'yes'],
    ['IsTimestamp', { x: 'soon' }, 'yes'],
    ['IsTimestamp', { x: '2026-12-01T00:00:00Z' }, 'no'],
    ['IsPresent', {}, 'yes'],
    ['IsPresent', { x: 1 }, 'no'],
  ])('%s: false is the negated test (input %j → %s)', async (test, input, expected) => {
    expect(await branch({ Variable: '$.x', [test]: false }, input)).toBe(expected);
  });

  it('keeps true tests, and negates false ones nested in And, Or and Not', async () => {
    const rule = {
      And: [
        { Variable: '$.a', IsNull: false },
        { Or: [{ Variable: '$.b', IsPresent: false }, { Not: { Variable: '$.c', IsString: false } }] },
      ],
    };
    expect(await branch(rule, { a: 1, c: 'c' })).toBe('yes');
    expect(await branch(rule, { a: null, c: 'c' })).toBe('no');
    expect(await branch(rule, { a: 1, b: 2, c: 3 })).toBe('no');
    expect(await branch({ Variable: '$.x', IsNull: true }, { x: null })).toBe('yes');
  });

  it('still fails on a path that points nowhere, as AWS does for every test but IsPresent', async () => {
    await expect(branch({ Variable: '$.x', IsNull: false }, {})).rejects.toThrow(/does not point to a value/);
  });

  it('reaches Choice states inside Parallel branches and Map iterators, and leaves the input untouched', () => {
    const inner = choosing({ Variable: '$.x', IsNull: false });
    const definition = {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [inner], Next: 'M' },
        M: { Type: 'Map', ItemProcessor: inner, End: true },
      },
    };
    const before = JSON.stringify(definition);
    const out = withAwsTypeTests(definition) as unknown as {
      States: {
        P: { Branches: [{ States: { Choose: { Choices: unknown[] } } }] };
        M: { ItemProcessor: { States: { Choose: { Choices: unknown[] } } } };
      };
    };
    const negated = { Not: { Variable: '$.x', IsNull: true }, Next: 'Yes' };
    expect(out.States.P.Branches[0].States.Choose.Choices).toEqual([negated]);
    expect(out.States.M.ItemProcessor.States.Choose.Choices).toEqual([negated]);
    expect(JSON.stringify(definition)).toBe(before);
  });
});
