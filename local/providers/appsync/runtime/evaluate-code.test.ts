// The runtime's outputs for the cases AWS EvaluateCode has answered (docs/appsync-reference.md §2.4, §2.6).
import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import * as ddb from './dynamodb-helpers.ts';
import { dynamodbUtil } from './dynamodb-values.ts';
import { evaluate, loadResolverCode } from './loader.ts';

/** Evaluates `expression` inside a resolver bundle, with util/extensions/runtime as AppSync gives them. */
function inBundle(expression: string): unknown {
  const code = loadResolverCode(
    `import { util } from '@aws-appsync/utils';\nimport * as ddb from '@aws-appsync/utils/dynamodb';\n` +
      `export function request(ctx) { return ${expression}; }\nexport function response(ctx) { return ctx.result; }`,
    'case.js',
  );
  const outcome = evaluate(code, 'request', createContext());
  if (outcome.kind !== 'value') throw new Error(JSON.stringify(outcome));
  return outcome.value;
}

describe('util.dynamodb, as AWS EvaluateCode prints it', () => {
  it('keeps numbers as numbers: toDynamoDB(12345) is {N: 12345}', () => {
    expect(inBundle('util.dynamodb.toDynamoDB(12345)')).toEqual({ N: 12345 });
    expect(dynamodbUtil.toNumber(12345)).toEqual({ N: 12345 });
  });

  it('converts strings, booleans, sets and null', () => {
    expect(dynamodbUtil.toDynamoDB('test')).toEqual({ S: 'test' });
    expect(dynamodbUtil.toDynamoDB(true)).toEqual({ BOOL: true });
    expect(dynamodbUtil.toNumberSet([1, 23, 4.56])).toEqual({ NS: [1, 23, 4.56] });
    expect(dynamodbUtil.toStringSet(['foo', 'bar', 'baz'])).toEqual({ SS: ['foo', 'bar', 'baz'] });
    expect(dynamodbUtil.toBinarySet(['foo', 'bar', 'baz'])).toEqual({ BS: ['foo', 'bar', 'baz'] });
    expect(dynamodbUtil.toNull()).toEqual({ NULL: null });
  });

  it('maps nested values with toMapValues, and wraps them in M with toMap', () => {
    const input = { foo: 'bar', baz: 1234, beep: ['boop'] };
    const values = { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } };
    expect(inBundle(`util.dynamodb.toMapValues(${JSON.stringify(input)})`)).toEqual(values);
    expect(dynamodbUtil.toMap(input)).toEqual({ M: values });
    expect(dynamodbUtil.toList(['foo', 123, { bar: 'baz' }])).toEqual({
      L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }],
    });
  });

  it('writes S3 object references as a JSON string', () => {
    expect(dynamodbUtil.toS3Object('foo', 'bar', 'baz')).toEqual({
      S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}',
    });
    expect(dynamodbUtil.toS3Object('foo', 'bar', 'baz', 'beep')).toEqual({
      S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}',
    });
  });
});

describe('util.transform, as AWS EvaluateCode prints it', () => {
  it('returns the filter expression as a JSON string', () => {
    expect(
      inBundle(`util.transform.toDynamoDBFilterExpression({ title: { contains: 'Hello World' } })`),
    ).toBe(
      '{"expression":"(contains(#title,:title_contains))","expressionNames":{"#title":"title"},"expressionValues":{":title_contains":{"S":"Hello World"}}}',
    );
  });

  it('returns the condition expression as a JSON string', () => {
    const json = inBundle(
      'util.transform.toDynamoDBConditionExpression({ id: { attributeExists: true }, version: { eq: 10 } })',
    );
    expect(typeof json).toBe('string');
    expect(JSON.parse(json as string)).toEqual({
      expression: '(attribute_exists(#id)) AND (#version = :version_eq)',
      expressionNames: { '#id': 'id', '#version': 'version' },
      expressionValues: { ':version_eq': { N: 10 } },
    });
  });

  it('expands `or` into one filter group per alternative', () => {
    expect(
      inBundle(
        `util.transform.toSubscriptionFilter({ owner: { eq: 'a' }, or: [{ status: { eq: 'COMPLETED' } }, { status: { eq: 'FLAGGED' } }] })`,
      ),
    ).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'owner', operator: 'eq', value: 'a' },
            { fieldName: 'status', operator: 'eq', value: 'COMPLETED' },
          ],
        },
        {
          filters: [
            { fieldName: 'owner', operator: 'eq', value: 'a' },
            { fieldName: 'status', operator: 'eq', value: 'FLAGGED' },
          ],
        },
      ],
    });
  });

  it('gives null for non-objects, an empty group list for {}, and drops ignored fields', () => {
    expect(inBundle(`util.transform.toSubscriptionFilter(null)`)).toBeNull();
    expect(inBundle(`util.transform.toSubscriptionFilter('x')`)).toBeNull();
    expect(inBundle(`util.transform.toSubscriptionFilter([])`)).toBeNull();
    expect(inBundle(`util.transform.toSubscriptionFilter({})`)).toEqual({ filterGroup: [] });
    expect(
      inBundle(
        `util.transform.toSubscriptionFilter({ a: { eq: 1 }, b: { gt: 2 } }, ['b'], { c: { eq: 3 } })`,
      ),
    ).toEqual({
      filterGroup: [
        { filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] },
        { filters: [{ fieldName: 'c', operator: 'eq', value: 3 }] },
      ],
    });
  });
});

describe('@aws-appsync/utils/dynamodb, as AWS EvaluateCode prints it', () => {
  it('builds GetItem, PutItem (key kept out of attributeValues), DeleteItem and Scan', () => {
    expect(inBundle(`ddb.get({ key: { id: 'id' } })`)).toEqual({
      operation: 'GetItem',
      key: { id: { S: 'id' } },
    });
    expect(inBundle(`ddb.put({ key: { id: 'abc' }, item: { value: 10 } })`)).toEqual({
      operation: 'PutItem',
      key: { id: { S: 'abc' } },
      attributeValues: { value: { N: 10 } },
    });
    expect(ddb.remove({ key: { id: 'abc' } })).toEqual({
      operation: 'DeleteItem',
      key: { id: { S: 'abc' } },
    });
    expect(ddb.scan({ limit: 10, nextToken: 'abc' })).toEqual({
      operation: 'Scan',
      limit: 10,
      nextToken: 'abc',
    });
  });

  it('builds a Query with key condition and filter in the helpers\u2019 spelling', () => {
    expect(
      ddb.query({
        query: { name: { eq: 'test' } },
        filter: { shift: { eq: 10 } },
        index: 'nameIndex',
        select: 'ALL_ATTRIBUTES',
      }),
    ).toEqual({
      operation: 'Query',
      query: {
        expression: '#name = :name',
        expressionNames: { '#name': 'name' },
        expressionValues: { ':name': { S: 'test' } },
      },
      filter: {
        expression: '#shift = :shift',
        expressionNames: { '#shift': 'shift' },
        expressionValues: { ':shift': { N: 10 } },
      },
      index: 'nameIndex',
      select: 'ALL_ATTRIBUTES',
    });
  });

  it('builds UpdateItem expressions for each operation', () => {
    const key = { id: 'abc' };
    expect(inBundle(`ddb.update({ key: { id: 'abc' }, update: { age: ddb.operations.add(10) } })`)).toEqual({
      operation: 'UpdateItem',
      key: { id: { S: 'abc' } },
      update: {
        expression: 'SET #expName_1 = :expValue_1',
        expressionNames: { '#expName_1': 'age' },
        expressionValues: { ':expValue_1': { N: 10 } },
      },
    });
    const one = (op: unknown) => ddb.update({ key, update: { a: op } }).update.expression;
    expect(one(ddb.operations.increment(2))).toBe('SET #expName_1 = #expName_1 + :expValue_1');
    expect(one(ddb.operations.decrement(2))).toBe('SET #expName_1 = #expName_1 - :expValue_1');
    expect(one(ddb.operations.append([1]))).toBe('SET #expName_1 = list_append(#expName_1, :expValue_1)');
    expect(one(ddb.operations.prepend([1]))).toBe('SET #expName_1 = list_append(:expValue_1, #expName_1)');
    expect(one(ddb.operations.replace({ b: 1 }))).toBe('SET #expName_1 = :expValue_1');
    expect(one(ddb.operations.remove())).toBe('REMOVE #expName_1');
  });
});
