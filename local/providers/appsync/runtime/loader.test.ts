// Loading checks the APPSYNC_JS subset and sandboxes the bundle; evaluating turns util.error,
// util.unauthorized and runtime.earlyReturn into outcomes.
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { baseRuleFiles, evaluate, loadResolverCode, ResolverCodeError } from './loader.ts';

const head = `import { util, runtime, extensions } from '@aws-appsync/utils';\n`;

function load(body: string) {
  return loadResolverCode(`${head}${body}\nexport function response(ctx) { return ctx.result; }`, 'probe.js');
}

describe('loadResolverCode', () => {
  it('refuses a bundle with try/catch, naming the file and the line', () => {
    // A real esbuild bundle, as the catalog produces them.
    const bundle = buildSync({
      stdin: {
        contents: `import { util } from '@aws-appsync/utils';
export function request(ctx) {
  const a = 1;
  try { return JSON.parse(ctx.args.x); } catch (e) { return util.error('bad'); }
}
export function response(ctx) { return ctx.result; }`,
        loader: 'js',
      },
      bundle: true,
      write: false,
      format: 'esm',
      external: ['@aws-appsync/utils'],
    }).outputFiles[0]?.text as string;
    const tryLine = bundle.split('\n').findIndex((line) => line.includes('try {')) + 1;
    expect(tryLine).toBeGreaterThan(0);
    expect(() => loadResolverCode(bundle, 'resolvers/Query.bad.[none].js')).toThrow(ResolverCodeError);
    expect(() => loadResolverCode(bundle, 'resolvers/Query.bad.[none].js')).toThrow(
      new RegExp(`resolvers/Query\\.bad\\.\\[none\\]\\.js:${tryLine}:\\d+ Try statements are not supported`),
    );
  });

  it.each([
    [
      'while loops',
      'export function request(ctx) { let i = 0; while (i < 3) { i += 1; } return i; }',
      'no-while',
    ],
    ['async functions', 'export async function request(ctx) { return 1; }', 'no-async'],
    ['classes', 'class A {}\nexport function request(ctx) { return new A(); }', 'no-classes'],
    ['++', 'export function request(ctx) { let i = 0; i++; return i; }', 'no-disallowed-unary-operators'],
    ['regex literals', 'export function request(ctx) { return /a/.test(ctx.args.x); }', 'no-regex'],
  ])('refuses %s', (_, body, rule) => {
    expect(() => load(body)).toThrow(rule);
  });

  it('keeps process and Node modules out of reach', () => {
    const code = load(
      `export function request(ctx) { return { process: typeof process, globalProcess: typeof globalThis.process, buffer: typeof Buffer }; }`,
    );
    expect(evaluate(code, 'request', createContext())).toMatchObject({
      kind: 'value',
      value: { process: 'undefined', globalProcess: 'undefined', buffer: 'undefined' },
    });
    expect(() =>
      loadResolverCode(
        `import fs from 'node:fs';\nexport function request() { return fs; }\nexport function response() {}`,
        'fs.js',
      ),
    ).toThrow(
      'fs.js imports "node:fs"; the runtime provides only @aws-appsync/utils and @aws-appsync/utils/dynamodb',
    );
  });

  it('refuses a bundle without request and response', () => {
    expect(() => loadResolverCode('export function request() { return {}; }', 'half.js')).toThrow(
      'half.js does not export a response(ctx) function',
    );
  });
});

describe('evaluate', () => {
  it('stops at util.error and reports message, type, data and info', () => {
    const code = load(
      `export function request(ctx) { util.appendError('first', 'Warning'); util.error('bad input', 'ValidationError', { a: 1 }, { b: 2 }); ctx.stash.after = true; return 1; }`,
    );
    const ctx = createContext();
    const outcome = evaluate(code, 'request', ctx);
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { message: 'bad input', errorType: 'ValidationError', data: { a: 1 }, errorInfo: { b: 2 } },
      appendedErrors: [{ message: 'first', errorType: 'Warning', data: null, errorInfo: null }],
    });
    expect(ctx.stash.after).toBeUndefined();
  });

  it('reports util.unauthorized as errorType Unauthorized naming the field', () => {
    const code = load('export function request(ctx) { return util.unauthorized(); }');
    const outcome = evaluate(
      code,
      'request',
      createContext({ info: { fieldName: 'getImage', parentTypeName: 'Query' } }),
    );
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'Unauthorized', message: 'Not Authorized to access getImage on type Query' },
    });
  });

  it('reports runtime.earlyReturn with its value and skipTo', () => {
    const code = load(
      `export function request(ctx) { runtime.earlyReturn({ cached: true }, { skipTo: 'NEXT' }); return 1; }`,
    );
    expect(evaluate(code, 'request', createContext())).toMatchObject({
      kind: 'earlyReturn',
      earlyReturn: { value: { cached: true }, skipTo: 'NEXT' },
    });
  });

  it('records subscription filters and invalidations', () => {
    const code = load(`export function request(ctx) {
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ owner: { eq: 'u1' } }));
  extensions.invalidateSubscriptions({ subscriptionField: 'onImageProcessed', payload: { id: 'i1' } });
  return null;
}`);
    expect(evaluate(code, 'request', createContext())).toMatchObject({
      kind: 'value',
      value: null,
      subscriptionFilter: {
        filterGroup: [{ filters: [{ fieldName: 'owner', operator: 'eq', value: 'u1' }] }],
      },
      invalidations: [{ subscriptionField: 'onImageProcessed', payload: { id: 'i1' } }],
    });
  });

  it('turns a bug in resolver code into a Code error naming the file', () => {
    const code = load('export function request(ctx) { return ctx.args.missing.deeper; }');
    const outcome = evaluate(code, 'request', createContext());
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.error).toMatchObject({ errorType: 'Code' });
    expect(outcome.kind === 'error' && outcome.error.message).toMatch(/^probe\.js: .*deeper/);
  });

  it('lets the same loaded code run again with a fresh session', () => {
    const code = load(`export function request(ctx) { util.appendError(ctx.args.m); return ctx.args.m; }`);
    evaluate(code, 'request', createContext({ arguments: { m: 'one' } }));
    expect(evaluate(code, 'request', createContext({ arguments: { m: 'two' } }))).toMatchObject({
      value: 'two',
      appendedErrors: [{ message: 'two' }],
    });
  });
});

describe('util helpers inside a bundle', () => {
  const run = (expression: string, init = {}) => {
    const outcome = evaluate(
      load(`export function request(ctx) { return ${expression}; }`),
      'request',
      createContext(init),
    );
    if (outcome.kind !== 'value') throw new Error(JSON.stringify(outcome));
    return outcome.value;
  };

  it('makes ULIDs, KSUIDs and UUIDs in their formats', () => {
    expect(run('util.autoUlid()')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(run('util.autoKsuid()')).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(run('util.autoId()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('orders ULIDs by creation time', () => {
    const first = loadResolverCode(
      `${head}export function request() { return util.autoUlid(); }\nexport function response() {}`,
      'a.js',
      { now: () => 1_700_000_000_000 },
    );
    const second = loadResolverCode(
      `${head}export function request() { return util.autoUlid(); }\nexport function response() {}`,
      'b.js',
      { now: () => 1_700_000_000_001 },
    );
    const a = evaluate(first, 'request', createContext());
    const b = evaluate(second, 'request', createContext());
    expect(a.kind === 'value' && b.kind === 'value' && (a.value as string) < (b.value as string)).toBe(true);
  });

  it('formats and parses times with Java patterns and zones', () => {
    const now = 1_700_000_000_123; // 2023-11-14T22:13:20.123Z
    const code = loadResolverCode(
      `${head}export function request() { return [
  util.time.nowISO8601(), util.time.nowEpochSeconds(), util.time.nowEpochMilliSeconds(),
  util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ'), util.time.nowFormatted('yyyy-MM-dd HH:mm:ss.SSSXXX', 'Europe/Paris'),
  util.time.epochMilliSecondsToISO8601(0), util.time.epochMilliSecondsToSeconds(1999),
  util.time.parseFormattedToEpochMilliSeconds('2023-11-14 23:13:20+0100', 'yyyy-MM-dd HH:mm:ssZ'),
  util.time.parseFormattedToEpochMilliSeconds('2023-11-14 23:13:20', 'yyyy-MM-dd HH:mm:ss', 'Europe/Paris'),
  util.time.parseISO8601ToEpochMilliSeconds('2023-11-14T22:13:20.123Z'),
  util.time.parseISO8601ToEpochMilliSeconds('2023-11-15T03:43:50.123+05:30:30'),
]; }\nexport function response() {}`,
      'time.js',
      { now: () => now },
    );
    expect(evaluate(code, 'request', createContext())).toMatchObject({
      value: [
        '2023-11-14T22:13:20.123Z',
        1_700_000_000,
        now,
        '2023-11-14 22:13:20+0000',
        '2023-11-14 23:13:20.123+01:00',
        '1970-01-01T00:00:00.000Z',
        1,
        1_700_000_000_000,
        1_700_000_000_000,
        now,
        now,
      ],
    });
  });

  it('encodes like Java: base64, URL form encoding, JavaScript escapes', () => {
    expect(run(`util.base64Encode('héllo')`)).toBe('aMOpbGxv');
    expect(run(`util.base64Decode('aMOpbGxv')`)).toBe('héllo');
    expect(run(`util.urlEncode("a b&c=d/é*~")`)).toBe('a+b%26c%3Dd%2F%C3%A9*%7E');
    expect(run(`util.urlDecode('a+b%26c')`)).toBe('a b&c');
    expect(run(`util.escapeJavaScript('say "hi"\\n')`)).toBe('say \\"hi\\"\\n');
  });

  it('matches whole values like Java, with (?i) for case-insensitivity', () => {
    expect(run(`util.matches('a+', 'aaa')`)).toBe(true);
    expect(run(`util.matches('a+', 'aaab')`)).toBe(false);
    expect(run(`util.matches('(?i)image/heic', 'IMAGE/HEIC')`)).toBe(true);
  });

  it('names the caller\u2019s auth mode', () => {
    expect(
      run('util.authType()', {
        identity: { sub: 'u', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/p' },
      }),
    ).toBe('User Pool Authorization');
    expect(
      run('util.authType()', {
        identity: { accountId: '000000000000', userArn: 'arn:aws:sts::0:assumed-role/r/s' },
      }),
    ).toBe('IAM Authorization');
    expect(run('util.authType()', { identity: null })).toBe('API Key Authorization');
  });

  it('normalizes strings and does the math helpers', () => {
    expect(run(`util.str.normalize('e\\u0301', 'nfc')`)).toBe('é');
    expect(run('util.math.roundNum(2.5)')).toBe(3);
    expect(run('util.math.minVal(2, 7)')).toBe(2);
    expect(run('util.math.maxVal(2, 7)')).toBe(7);
    const r = run('util.math.randomWithinRange(3, 5)') as number;
    expect([3, 4, 5]).toContain(r);
  });
});

describe('the language rules', () => {
  it('are exactly @aws-appsync/eslint-plugin\u2019s base config', async () => {
    const plugin = (await import('@aws-appsync/eslint-plugin')).default;
    const base = plugin.configs?.base as { rules: Record<string, unknown> };
    expect(Object.keys(base.rules).sort()).toEqual(
      Object.keys(baseRuleFiles)
        .map((r) => `@aws-appsync/${r}`)
        .sort(),
    );
  });
});
