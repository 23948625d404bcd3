import { describe, expect, it } from 'vitest';
import { limits } from './names.ts';
import {
  loadPipelineDefinition,
  type PipelineSubstitution,
  pipelineSubstitutionNames,
} from './pipeline-definition.ts';
import { transientDynamoDbTaskErrors, transientFunctionErrors } from './transient-errors.ts';

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  JitterStrategy?: string;
}
interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string;
  Next: string;
}
interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next: string }>;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Branches?: Machine[];
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  ResultPath?: string | null;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
}

const substitutions = Object.fromEntries(
  pipelineSubstitutionNames.map((name) => [name, `sub:${name}`]),
) as Record<PipelineSubstitution, string>;
const machine = JSON.parse(loadPipelineDefinition(substitutions)) as Machine;

const lambdaTransient = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const failurePath = ['MarkFailed', 'PublishFailure'];
const justifiedEarlySucceeds = ['DuplicateEvent', 'SupersededVersionDeleted', 'OrphanDeleted'];

function state(name: string, within: Machine = machine): State {
  const found = within.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
}

function successors(s: State): string[] {
  return [
    ...(s.Next ? [s.Next] : []),
    ...(s.Default ? [s.Default] : []),
    ...(s.Choices ?? []).map((choice) => choice.Next),
    ...(s.Catch ?? []).map((catcher) => catcher.Next),
  ];
}

function reachableFrom(start: string, within: Machine = machine): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...successors(state(name, within)));
  }
  return seen;
}

/** Every path from `start` to a terminal state (the graph is acyclic, which a test checks). */
function pathsFrom(start: string): string[][] {
  const next = successors(state(start));
  if (next.length === 0) return [[start]];
  return next.flatMap((name) => pathsFrom(name).map((path) => [start, ...path]));
}

function allMachines(root: Machine): Machine[] {
  return [
    root,
    ...Object.values(root.States).flatMap((s) => (s.Branches ?? []).flatMap((branch) => allMachines(branch))),
  ];
}

/** Task states with their name, top level and inside Parallel branches (with the enclosing state). */
function tasks(): Array<{ name: string; task: State; enclosing: string }> {
  return Object.entries(machine.States).flatMap(([name, s]) => {
    if (s.Type === 'Task') return [{ name, task: s, enclosing: name }];
    return (s.Branches ?? []).flatMap((branch) =>
      Object.entries(branch.States)
        .filter(([, inner]) => inner.Type === 'Task')
        .map(([innerName, inner]) => ({ name: innerName, task: inner, enclosing: name })),
    );
  });
}

function retriedErrors(s: State): string[] {
  return (s.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
}

describe('pipeline.asl.json', () => {
  it('uses JSONPath and carries the pipeline timeout the sweeper relies on', () => {
    expect(machine.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(machine.TimeoutSeconds).toBe(limits.pipelineTimeoutSeconds);
  });

  it('points every transition at an existing state and reaches every state from StartAt', () => {
    for (const m of allMachines(machine)) {
      for (const s of Object.values(m.States)) {
        for (const target of successors(s)) expect(Object.keys(m.States)).toContain(target);
      }
      expect([...reachableFrom(m.StartAt, m)].sort()).toEqual(Object.keys(m.States).sort());
    }
  });

  it('ends every top-level path in a Succeed or Fail state, with no cycles', () => {
    const visiting = new Set<string>();
    const assertAcyclic = (name: string): void => {
      expect(visiting.has(name), `cycle through ${name}`).toBe(false);
      visiting.add(name);
      for (const next of successors(state(name))) assertAcyclic(next);
      visiting.delete(name);
    };
    assertAcyclic(machine.StartAt);
    for (const [name, s] of Object.entries(machine.States)) {
      if (successors(s).length === 0) expect(['Succeed', 'Fail'], name).toContain(s.Type);
      expect(s.End, name).toBeUndefined();
    }
  });

  it('routes every failure after the key is parsed to MarkFailed, keeping the error in $.error', () => {
    const failurePathStates = reachableFrom('MarkFailed');
    const processing = [...reachableFrom('MarkProcessing')].filter(
      (name) => !failurePathStates.has(name) && !reachableFrom('LookUpImage').has(name),
    );
    const guarded = processing.filter((name) => ['Task', 'Parallel'].includes(state(name).Type));
    expect(guarded).toEqual(
      expect.arrayContaining(['MarkProcessing', 'Inspect', 'Process', 'Flag', 'SaveResult', 'Publish']),
    );
    for (const name of guarded) {
      const catchAll = state(name).Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(catchAll, name).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'MarkFailed',
      });
    }
  });

  it('treats a failed MarkProcessing condition as a duplicate or an orphan, not as a failure', () => {
    const [first] = state('MarkProcessing').Catch ?? [];
    expect(first).toMatchObject({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      Next: 'LookUpImage',
    });
    expect(state('LookUpImage').Resource).toBe('arn:aws:states:::dynamodb:getItem');
    expect(reachableFrom('LookUpImage')).toEqual(
      new Set([
        'LookUpImage',
        'DoesImageExist',
        'IsClaimedVersion',
        'DuplicateEvent',
        'DeleteSupersededVersion',
        'SupersededVersionDeleted',
        'DeleteOrphanUpload',
        'OrphanDeleted',
      ]),
    );
    expect(state('DeleteOrphanUpload').Resource).toBe('arn:aws:states:::aws-sdk:s3:deleteObject');
  });

  it('sends failures inside the failure path to the Fail state, and ends the failure path failed', () => {
    for (const name of failurePath) {
      expect(state(name).Catch, name).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'PipelineFailed' }),
      ]);
      // The original error must survive for the Fail state's ErrorPath.
      expect(state(name).Catch?.[0]?.ResultPath, name).not.toBe('$.error');
    }
    const ends = pathsFrom('MarkFailed').map((path) => path.at(-1));
    expect(new Set(ends)).toEqual(new Set(['PipelineFailed']));
    expect(state('PipelineFailed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error' });
    expect(pathsFrom('MarkFailed')).toContainEqual([
      'MarkFailed',
      'WasMarkedFailed',
      'PublishFailure',
      'PipelineFailed',
    ]);
  });

  it('leaves no path through MarkProcessing with the item still PROCESSING', () => {
    const paths = pathsFrom('MarkProcessing');
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const end = state(path.at(-1)!);
      const settles = path.includes('SaveResult') || path.includes('MarkFailed');
      const justified = justifiedEarlySucceeds.includes(path.at(-1)!) && !path.includes('Inspect');
      expect(settles || justified, path.join(' → ')).toBe(true);
      if (end.Type === 'Succeed' && path.includes('Inspect')) {
        expect(path, path.join(' → ')).toContain('SaveResult');
        if (path.at(-1) === 'Processed') expect(path).toContain('Publish');
        else expect(path.at(-1)).toBe('DeletedMeanwhile');
      }
    }
  });

  it('retries Lambda tasks on Lambda transient errors with exponential backoff and full jitter', () => {
    const lambdaTasks = tasks().filter(({ task }) => task.Resource === 'arn:aws:states:::lambda:invoke');
    expect(lambdaTasks.map(({ name }) => name).sort()).toEqual(
      [
        'Analyse',
        'Flag',
        'Inspect',
        'MarkFailed',
        'Publish',
        'PublishFailure',
        'SaveResult',
        'Thumbnails',
      ].sort(),
    );
    for (const { name, task } of lambdaTasks) {
      expect(retriedErrors(task), name).toEqual(expect.arrayContaining(lambdaTransient));
    }
    for (const { name, task } of tasks()) {
      expect(task.Retry?.length, `${name} has no Retry`).toBeGreaterThan(0);
      for (const retrier of task.Retry ?? []) {
        expect(retrier, name).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
        expect(retrier.MaxAttempts, name).toBeGreaterThanOrEqual(3);
        expect(retrier.MaxAttempts, name).toBeLessThanOrEqual(6);
        expect(retrier.ErrorEquals, name).not.toContain('States.ALL');
      }
    }
  });

  it('retries every transient AWS error where it can happen: in every function and DynamoDB', () => {
    for (const { name, task } of tasks().filter(
      (t) => t.task.Resource === 'arn:aws:states:::lambda:invoke',
    )) {
      // Any function may call S3, DynamoDB or Rekognition; a 5xx of theirs must not fail a valid image.
      expect(retriedErrors(task), name).toEqual(expect.arrayContaining([...transientFunctionErrors]));
    }
    for (const name of ['MarkProcessing', 'LookUpImage']) {
      expect(retriedErrors(state(name)), name).toEqual(
        expect.arrayContaining([...transientDynamoDbTaskErrors]),
      );
    }
    expect(tasks().find((t) => t.name === 'Analyse')?.enclosing).toBe('Process');
    for (const name of ['Publish', 'PublishFailure'])
      expect(retriedErrors(state(name))).toContain('PublishFailed');
    expect(retriedErrors(state('Inspect'))).not.toContain('PublishFailed');
  });

  it('never retries an image’s own failure', () => {
    const imageErrors = ['UnsupportedImage', 'ImageTooLarge', 'CorruptImage', 'NotFound', 'ValidationError'];
    for (const { name, task } of tasks()) {
      for (const error of imageErrors) expect(retriedErrors(task), name).not.toContain(error);
    }
  });

  it('hands each function the event docs/contracts.md gives it, from the substituted ARN', () => {
    const expected: Record<string, { fn: PipelineSubstitution; payload: string[] }> = {
      Inspect: { fn: 'InspectFunctionArn', payload: ['bucket', 'key', 'versionId', 'owner', 'id'] },
      Thumbnails: { fn: 'ThumbnailsFunctionArn', payload: ['bucket', 'key', 'versionId', 'owner', 'id'] },
      Analyse: {
        fn: 'AnalyseFunctionArn',
        // orientation is beyond the contract's event: analyse uses it, when given, to skip reading EXIF.
        payload: [
          'bucket',
          'key',
          'versionId',
          'owner',
          'id',
          'width',
          'height',
          'format',
          'bytes',
          'orientation',
        ],
      },
      Flag: { fn: 'FlagFunctionArn', payload: ['bucket', 'versionId', 'owner', 'id', 'thumbnails'] },
      SaveResult: {
        fn: 'SaveResultFunctionArn',
        payload: ['owner', 'id', 'status', 'image', 'thumbnails', 'analysis'],
      },
      MarkFailed: { fn: 'MarkFailedFunctionArn', payload: ['owner', 'id', 'error'] },
      Publish: { fn: 'PublishFunctionArn', payload: ['owner', 'id'] },
      PublishFailure: { fn: 'PublishFunctionArn', payload: ['owner', 'id'] },
    };
    for (const { name, task } of tasks().filter(
      (t) => t.task.Resource === 'arn:aws:states:::lambda:invoke',
    )) {
      const want = expected[name];
      expect(want, name).toBeDefined();
      expect(task.Parameters?.FunctionName).toBe(`sub:${want?.fn}`);
      const payloadKeys = Object.keys(task.Parameters?.Payload as object).map((k) => k.replace(/\.\$$/, ''));
      expect(payloadKeys.sort(), name).toEqual(want?.payload.sort());
      // Results land in named fields, never over the whole state.
      expect(task.ResultSelector ?? task.ResultPath === null, name).toBeTruthy();
    }
  });

  it('marks PROCESSING only from PENDING_UPLOAD, moving both GSI keys and dropping the TTL', () => {
    const params = state('MarkProcessing').Parameters as Record<string, unknown>;
    expect(state('MarkProcessing').Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect(params).toMatchObject({
      TableName: 'sub:TableName',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING_UPLOAD' },
        ':processing': { S: 'PROCESSING' },
        ':ownerStatus': { 'S.$': "States.Format('{}#PROCESSING', $.owner)" },
        ':now': { 'S.$': '$$.State.EnteredTime' },
        // The version whose event claims the item: every later step reads exactly it.
        ':versionId': { 'S.$': '$.versionId' },
      },
    });
    expect(params.UpdateExpression).toBe(
      'SET #status = :processing, ownerStatus = :ownerStatus, statusKey = :processing, updatedAt = :now, originalVersionId = :versionId REMOVE expiresAtEpoch',
    );
    expect(state('SplitKey').Parameters).toMatchObject({ 'versionId.$': '$.detail.object.version-id' });
  });

  it('announces through the publish function only: no SNS state (it notifies, with the dedupe key, and records)', () => {
    expect(tasks().filter((t) => t.task.Resource === 'arn:aws:states:::sns:publish')).toEqual([]);
    expect(state('Publish').Next).toBe('Processed');
    expect(state('PublishFailure').Next).toBe('PipelineFailed');
  });
});
