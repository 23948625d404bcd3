// Loads a resolver bundle (ESM importing @aws-appsync/utils) into its own node:vm context after
// checking the APPSYNC_JS language subset, and evaluates its request/response functions.
// The vm context keeps `process`, `require` and Node's modules out of reach of resolver code; it
// is not a security boundary against hostile code (host objects are passed in), only a check.

import { createRequire } from 'node:module';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { Linter } from 'eslint';
import type { Context } from './context.ts';
import { dynamodbModule } from './dynamodb-helpers.ts';
import type { SubscriptionFilterJson } from './expressions.ts';
import { jsonValue } from './json-value.ts';
import { EarlyReturnSignal, ErrorSignal, type ResolverError } from './signals.ts';
import { createGlobals, type Session } from './util.ts';

export interface LoadedCode {
  file: string;
  request(ctx: Context): unknown;
  response(ctx: Context): unknown;
}

export type EvaluationOutcome = (
  | { kind: 'value'; value: unknown }
  | { kind: 'earlyReturn'; earlyReturn: { value: unknown; skipTo: 'END' | 'NEXT' | null } }
  | { kind: 'error'; error: ResolverError }
) & {
  /** util.appendError calls, in order (kept even when the evaluation then fails). */
  appendedErrors: ResolverError[];
  subscriptionFilter?: SubscriptionFilterJson;
  invalidationFilter?: SubscriptionFilterJson;
  invalidations: { subscriptionField: string; payload: Record<string, unknown> }[];
};

export interface LoadOptions {
  /** Clock for util.time and the id generators (default Date.now). */
  now?: () => number;
}

/** A bundle that breaks the APPSYNC_JS rules or fails to compile. */
export class ResolverCodeError extends Error {
  override name = 'ResolverCodeError';
}

/**
 * The plugin's `base` rule set (the language rules, which need no type information). The rules
 * are loaded one by one: the plugin's index also loads TypeScript for its typed rules (~3 s).
 * A test keeps this list equal to the plugin's own base config.
 */
export const baseRuleFiles: Record<string, string> = {
  'no-async': 'no-async',
  'no-await': 'no-await',
  'no-classes': 'no-classes',
  'no-for': 'no-for',
  'no-continue': 'no-continue',
  'no-generators': 'no-generators',
  'no-yield': 'no-yield',
  'no-labels': 'no-labels',
  'no-regex': 'no-regex',
  'no-this': 'no-this',
  'no-try': 'no-try',
  'no-while': 'no-while',
  'no-disallowed-unary-operators': 'no-disallowed-unary-operators',
  'no-disallowed-binary-operators': 'no-disallowed-binary-operator',
  'no-promise': 'no-promise',
  'no-disallowed-re-assignment': 'no-disallowed-re-assignment',
  'no-in-operator': 'no-in-operator',
};

const require = createRequire(import.meta.url);
const rules: Record<string, unknown> = {};
for (const [rule, file] of Object.entries(baseRuleFiles)) {
  // Some rule files are CommonJS (`module.exports = rule`), some compiled ESM (`exports.default`).
  const loaded = require(`@aws-appsync/eslint-plugin/lib/rules/${file}.js`) as {
    __esModule?: boolean;
    default?: unknown;
  };
  rules[rule] = loaded.__esModule ? loaded.default : loaded;
}
const linter = new Linter({ configType: 'flat' });
const lintConfig: Linter.Config[] = [
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@aws-appsync': { rules } as NonNullable<Linter.Config['plugins']>[string] },
    rules: Object.fromEntries(Object.keys(baseRuleFiles).map((rule) => [`@aws-appsync/${rule}`, 'error'])),
  },
];

/** Throws ResolverCodeError naming file:line:column of every APPSYNC_JS violation. */
export function checkLanguageSubset(code: string, file: string): void {
  // ESLint matches flat configs against paths under its cwd; a file elsewhere would match none.
  // The name only selects the config: messages below name the real file.
  const problems = linter.verify(code, lintConfig, { filename: 'resolver.js' });
  if (problems.length === 0) return;
  const lines = problems.map(
    (p) => `${file}:${p.line}:${p.column} ${p.message}${p.ruleId ? ` (${p.ruleId})` : ''}`,
  );
  throw new ResolverCodeError(`${file} is not valid APPSYNC_JS:\n${lines.join('\n')}`);
}

/** Every value leaving resolver code is what AppSync's JSON boundary makes of it. */
const plain = jsonValue;

export function loadResolverCode(code: string, file: string, options: LoadOptions = {}): LoadedCode {
  checkLanguageSubset(code, file);
  let current: Session | undefined;
  const session = () => {
    if (!current) throw new Error('util/extensions called outside an evaluation');
    return current;
  };
  const globals = createGlobals(session, options.now);
  const modules: Record<string, unknown> = {
    '@aws-appsync/utils': { ...globals },
    '@aws-appsync/utils/dynamodb': dynamodbModule,
  };
  const load = (name: string) => {
    const m = modules[name];
    if (m === undefined) {
      throw new ResolverCodeError(
        `${file} imports "${name}"; the runtime provides only ${Object.keys(modules).join(' and ')}`,
      );
    }
    return m;
  };
  const cjs = transformSync(code, { format: 'cjs', target: 'es2020', sourcefile: file }).code;
  const sandbox = vm.createContext({ ...globals, console });
  // esbuild's CJS output calls require(); the one the bundle gets knows only the utils modules.
  const run = new vm.Script(`(function (exports, require, module) {${cjs}\n})`, {
    filename: file,
  }).runInContext(sandbox) as (exports: object, require: (name: string) => unknown, module: object) => void;
  const module = { exports: {} as Record<string, unknown> };
  run(module.exports, load, module);
  const fn = (name: 'request' | 'response') => {
    const f = module.exports[name];
    if (typeof f !== 'function')
      throw new ResolverCodeError(`${file} does not export a ${name}(ctx) function`);
    return f as (ctx: Context) => unknown;
  };
  const loaded: LoadedCode = { file, request: fn('request'), response: fn('response') };
  sessions.set(loaded, (s) => {
    current = s;
  });
  return loaded;
}

const sessions = new WeakMap<LoadedCode, (s: Session | undefined) => void>();

/** Runs request or response; util.error, util.unauthorized and runtime.earlyReturn end it. */
export function evaluate(code: LoadedCode, fn: 'request' | 'response', ctx: Context): EvaluationOutcome {
  const hook = sessions.get(code);
  if (!hook) throw new Error('evaluate() needs code from loadResolverCode()');
  const session: Session = { ctx, appendedErrors: [], invalidations: [] };
  hook(session);
  try {
    return withSession({ kind: 'value', value: plain(code[fn](ctx)) }, session);
  } catch (thrown) {
    if (thrown instanceof ErrorSignal) return withSession({ kind: 'error', error: thrown.error }, session);
    if (thrown instanceof EarlyReturnSignal) {
      return withSession(
        { kind: 'earlyReturn', earlyReturn: { value: plain(thrown.value), skipTo: thrown.skipTo } },
        session,
      );
    }
    // A bug in the resolver (TypeError and the like): AppSync reports it as a Code error.
    const message =
      thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown)
        ? String((thrown as { message: unknown }).message)
        : String(thrown);
    return withSession(
      {
        kind: 'error',
        error: { message: `${code.file}: ${message}`, errorType: 'Code', data: null, errorInfo: null },
      },
      session,
    );
  } finally {
    hook(undefined);
  }
}

type Result =
  | { kind: 'value'; value: unknown }
  | { kind: 'earlyReturn'; earlyReturn: { value: unknown; skipTo: 'END' | 'NEXT' | null } }
  | { kind: 'error'; error: ResolverError };

/** The evaluation's result with what util/extensions recorded beside it (a plain function: runs per field). */
function withSession(result: Result, session: Session): EvaluationOutcome {
  const outcome: EvaluationOutcome = Object.assign(result, {
    appendedErrors: session.appendedErrors,
    invalidations: session.invalidations,
  });
  if (session.subscriptionFilter)
    outcome.subscriptionFilter = plain(session.subscriptionFilter) as SubscriptionFilterJson;
  if (session.invalidationFilter)
    outcome.invalidationFilter = plain(session.invalidationFilter) as SubscriptionFilterJson;
  return outcome;
}
