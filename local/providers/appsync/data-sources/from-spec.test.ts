import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { listDataSources } from '../../../../contracts/data-sources.ts';
import { functionSpecs, liveFunctionName } from '../../../../contracts/function-specs.ts';
import type { Context } from '../runtime/index.ts';
import { DynamoDbDataSource } from './dynamodb.ts';
import { dataSourceOf } from './from-spec.ts';
import { LambdaDataSource } from './lambda.ts';

describe('local data sources built from contracts/data-sources.ts', () => {
  const invoked: string[] = [];
  const targets = {
    dynamodb: (): DynamoDBClient => {
      throw new Error('no DynamoDB in this test');
    },
    invokeLambda: async (functionName: string) => {
      invoked.push(functionName);
      return { ok: true };
    },
  };

  it('gives every spec an adapter of its kind, named as the spec, pointing at its table', () => {
    for (const [name, spec] of listDataSources()) {
      const source = dataSourceOf(name, spec, targets);
      expect(source).toMatchObject({ name, kind: spec.kind });
      if (spec.kind === 'AMAZON_DYNAMODB') {
        expect(source).toBeInstanceOf(DynamoDbDataSource);
        expect((source as DynamoDbDataSource).tableName).toBe(spec.tableName);
      }
    }
  });

  it('invokes the function each Lambda spec names, by its deployed name', async () => {
    const lambdas = listDataSources().flatMap(([name, spec]) =>
      spec.kind === 'AWS_LAMBDA' ? [{ name, spec }] : [],
    );
    expect(lambdas.length).toBeGreaterThan(0);
    for (const { name, spec } of lambdas) {
      const source = dataSourceOf(name, spec, targets);
      expect(source).toBeInstanceOf(LambdaDataSource);

      const outcome = await source.run({
        request: { operation: 'Invoke', payload: {} },
        ctx: {} as Context,
        batchKey: name,
        batches: new Map(),
      });

      expect(outcome).toEqual({ result: { ok: true } });
      expect(invoked.at(-1)).toBe(liveFunctionName(functionSpecs[spec.functionId].functionName));
    }
  });
});
