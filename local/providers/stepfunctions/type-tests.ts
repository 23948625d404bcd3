/**
 * Choice rules' type tests as AWS reads them, for aws-local-stepfunctions (3.0.0). AWS evaluates
 * `"IsNull": false` as "is not null" (and likewise IsPresent, IsNumeric, IsString, IsBoolean,
 * IsTimestamp); the interpreter answers every `false` test with false, so a definition saying
 * `"IsNull": false` took the other branch locally. Each such rule is rewritten as
 * `Not { …: true }` before the interpreter sees the definition — the same meaning on AWS, including
 * the runtime error a path that points nowhere raises — so the one ASL behaves alike in both stacks.
 */

const typeTests = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rule = { [key: string]: Json };

function isObject(value: Json | undefined): value is Rule {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One choice rule (and the rules nested in its And / Or / Not) with every false type test negated. */
function normalizeRule(rule: Json): Json {
  if (!isObject(rule)) return rule;
  const out: Rule = { ...rule };
  for (const combinator of ['And', 'Or'] as const) {
    const rules = out[combinator];
    if (Array.isArray(rules)) out[combinator] = rules.map(normalizeRule);
  }
  if (isObject(out.Not)) out.Not = normalizeRule(out.Not);
  const test = typeTests.find((name) => out[name] === false);
  if (!test) return out;
  const { Next, Comment, ...condition } = out;
  const negated: Rule = { Not: { ...condition, [test]: true } };
  if (Next !== undefined) negated.Next = Next;
  if (Comment !== undefined) negated.Comment = Comment;
  return negated;
}

/** A copy of `definition` whose Choice states (Map and Parallel branches included) test as AWS does. */
export function withAwsTypeTests<T>(definition: T): T {
  return normalizeMachine(definition as unknown as Json) as unknown as T;
}

function normalizeMachine(machine: Json): Json {
  if (!isObject(machine) || !isObject(machine.States)) return machine;
  const states: Rule = {};
  for (const [name, state] of Object.entries(machine.States)) states[name] = normalizeState(state);
  return { ...machine, States: states };
}

function normalizeState(state: Json): Json {
  if (!isObject(state)) return state;
  const out: Rule = { ...state };
  if (out.Type === 'Choice' && Array.isArray(out.Choices)) out.Choices = out.Choices.map(normalizeRule);
  if (Array.isArray(out.Branches)) out.Branches = out.Branches.map(normalizeMachine);
  if (isObject(out.Iterator)) out.Iterator = normalizeMachine(out.Iterator);
  if (isObject(out.ItemProcessor)) out.ItemProcessor = normalizeMachine(out.ItemProcessor);
  return out;
}
