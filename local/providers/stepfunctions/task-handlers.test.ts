import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
} from '@aws-sdk/client-dynamodb';
import { NoSuchBucket, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { loadPipelineDefinition } from '../../../contracts/pipeline-definition.ts';
import { loadConfig } from '../../config.ts';
import { AwsError } from '../../provider.ts';
import { LambdaFunctionError } from '../lambda/index.ts';
import { localPipelineSubstitutions } from './index.ts';
import { dynamoDbTaskError, lambdaTaskError, s3TaskError, snsTaskError } from './task-errors.ts';
import { type AslMachine, allStates, retryIntervalOverridesFor, taskHandlersFor } from './task-handlers.ts';

const metadata = { $metadata: {} };
const collaborators = (invokeLambda = async (_name: string, payload: unknown) => payload) => ({
  invokeLambda,
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  s3: new S3Client({ region: 'us-east-1' }),
});
const pipeline = JSON.parse(loadPipelineDefinition(localPipelineSubstitutions(loadConfig({})))) as AslMachine;

describe('taskHandlersFor', () => {
  it('gives every Task of pipeline.asl.json a handler, Parallel branches included', () => {
    const handlers = taskHandlersFor(pipeline, collaborators());
    const taskNames = allStates(pipeline)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => name);
    expect(Object.keys(handlers).sort()).toEqual(taskNames.sort());
    expect(taskNames).toEqual(expect.arrayContaining(['Thumbnails', 'Analyse', 'MarkProcessing', 'Publish']));
  });

  it('refuses a Resource it has no stand-in for, naming the state', () => {
    const machine = {
      StartAt: 'Q',
      States: { Q: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage' } },
    };
    expect(() => taskHandlersFor(machine, collaborators())).toThrow(
      /Task "Q" with Resource arn:aws:states:::sqs:sendMessage/,
    );
  });

  it('refuses a state name used twice, since handlers are keyed by name', () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' };
    const machine = {
      StartAt: 'P',
      States: { A: task, P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: task } }] } },
    };
    expect(() => taskHandlersFor(machine, collaborators())).toThrow(/"A" is used twice/);
  });

  it('wraps a Lambda result in {Payload} and calls the function by its ARN', async () => {
    const called: string[] = [];
    const handlers = taskHandlersFor(
      pipeline,
      collaborators(async (name) => {
        called.push(name);
        return { width: 1 };
      }),
    );
    const result = await handlers.Inspect?.({
      FunctionName: 'arn:aws:lambda:us-east-1:0:function:darkroom-inspect',
      Payload: {},
    });
    expect(result).toEqual({ ExecutedVersion: '$LATEST', Payload: { width: 1 }, StatusCode: 200 });
    expect(called).toEqual(['arn:aws:lambda:us-east-1:0:function:darkroom-inspect']);
  });

  it('pauses every retrying state for the override', () => {
    const overrides = retryIntervalOverridesFor(pipeline, 5);
    expect(overrides).toMatchObject({ Inspect: 5, Thumbnails: 5, MarkProcessing: 5, Publish: 5 });
    expect(overrides).not.toHaveProperty('SplitKey');
  });

  it('invokes the function exactly as the definition names it, qualifier included', async () => {
    // Lambda, not the task, answers for the qualifier: an unknown one must reach it to be refused.
    const called: string[] = [];
    const handlers = taskHandlersFor(
      pipeline,
      collaborators(async (name) => {
        called.push(name);
        return {};
      }),
    );
    await handlers.Flag?.({
      FunctionName: 'arn:aws:lambda:us-east-1:0:function:darkroom-flag:v9',
      Payload: {},
    });
    expect(called).toEqual(['arn:aws:lambda:us-east-1:0:function:darkroom-flag:v9']);
  });
});

describe('task errors carry Step Functions names', () => {
  it('prefixes Lambda service refusals and passes a function error name through with Lambda-style JSON Cause', () => {
    expect(lambdaTaskError(new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429))).toMatchObject({
      name: 'Lambda.TooManyRequestsException',
      message: 'Rate Exceeded.',
    });
    const fromFunction = lambdaTaskError(
      new LambdaFunctionError('CorruptImage', 'truncated JPEG', ['at decode']),
    );
    expect(fromFunction.name).toBe('CorruptImage');
    expect(JSON.parse(fromFunction.message)).toEqual({
      errorType: 'CorruptImage',
      errorMessage: 'truncated JPEG',
      trace: ['at decode'],
    });
  });

  it('names DynamoDB errors as the optimized integration does', () => {
    const conditional = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      ...metadata,
    });
    expect(dynamoDbTaskError(conditional).name).toBe('DynamoDB.ConditionalCheckFailedException');
    const unmodelled = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      ...metadata,
    });
    expect(dynamoDbTaskError(unmodelled).name).toBe('DynamoDB.AmazonDynamoDBException');
    expect(dynamoDbTaskError(new Error('connect ECONNREFUSED')).name).toBe('DynamoDB.SdkClientException');
  });

  it('names S3 SDK-integration errors after the Java exception classes', () => {
    expect(s3TaskError(new NoSuchBucket({ message: 'no bucket', ...metadata })).name).toBe(
      'S3.NoSuchBucketException',
    );
    const unmodelled = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', ...metadata });
    expect(s3TaskError(unmodelled).name).toBe('S3.S3Exception');
    expect(snsTaskError(new Error('socket hang up')).name).toBe('SNS.SdkClientException');
  });
});
