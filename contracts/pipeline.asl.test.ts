import { describe, expect, it } from 'vitest';
import { flow, imageErrorCodes, leaseHeldError, retryableFailureCodeList } from './flow.ts';
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
const justifiedEarlySucceeds = ['DuplicateEvent', 'SupersededVersionDeleted', 'OrphanDeleted'];
/** Fail states: platform outcomes, after which the message returns to the queue. */
const platformFails = ['PipelineFailed', 'LeaseHeld'];

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

  it('routes image errors to MarkFailed and platform errors to the Fail state, keeping the error in $.error', () => {
    const guarded = ['Inspect', 'Process', 'Flag', 'SaveResult'];
    for (const name of guarded) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: [...imageErrorCodes], ResultPath: '$.error', Next: 'MarkFailed' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseLease' },
      ]);
    }
    // After SaveResult the item is settled: a failed announcement is a platform failure only.
    for (const name of ['Publish']) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'PipelineFailed' },
      ]);
    }
    // A platform error never marks the item: no path from a States.ALL catch reaches MarkFailed.
    for (const name of [...guarded, 'Publish', 'MarkProcessing']) {
      const catchAll = state(name).Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(reachableFrom(catchAll!.Next).has('MarkFailed'), name).toBe(false);
    }
  });

  it('treats a failed MarkProcessing condition as a duplicate, a held lease or an orphan', () => {
    const [first, second] = state('MarkProcessing').Catch ?? [];
    expect(first).toMatchObject({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      Next: 'LookUpImage',
    });
    expect(second).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'PipelineFailed' });
    expect(state('LookUpImage').Resource).toBe('arn:aws:states:::dynamodb:getItem');
    expect(reachableFrom('LookUpImage')).toEqual(
      new Set([
        'LookUpImage',
        'DoesImageExist',
        'IsImageSettled',
        'LeaseHeld',
        'IsClaimedVersion',
        'DuplicateEvent',
        'DeleteSupersededVersion',
        'SupersededVersionDeleted',
        'DeleteOrphanUpload',
        'OrphanDeleted',
      ]),
    );
    expect(state('LeaseHeld')).toMatchObject({ Type: 'Fail', Error: leaseHeldError });
    expect(state('DeleteOrphanUpload').Resource).toBe('arn:aws:states:::aws-sdk:s3:deleteObject');
  });

  it('ends an image failure in Succeed, and failures inside the failure path in Fail', () => {
    expect(pathsFrom('MarkFailed')).toContainEqual([
      'MarkFailed',
      'WasMarkedFailed',
      'PublishFailure',
      'ImageFailed',
    ]);
    expect(state('ImageFailed').Type).toBe('Succeed');
    expect(state('MarkFailed').Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseLease' },
    ]);
    for (const name of ['PublishFailure']) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'PipelineFailed' },
      ]);
    }
    expect(state('PipelineFailed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error' });
  });

  it('releases only its own lease on a platform error, then fails', () => {
    const release = state('ReleaseLease');
    expect(release.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect(release.Parameters).toMatchObject({
      ConditionExpression: '#status = :processing AND leaseToken = :token',
      UpdateExpression: 'REMOVE leaseToken',
      ExpressionAttributeValues: { ':token': { 'S.$': '$$.Execution.Id' } },
    });
    expect(release.Next).toBe('PipelineFailed');
    expect(release.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: 'PipelineFailed' },
    ]);
  });

  it('leaves no path through MarkProcessing with the item PROCESSING, except platform failures', () => {
    const paths = pathsFrom('MarkProcessing');
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const last = path.at(-1)!;
      const end = state(last);
      if (platformFails.includes(last)) {
        expect(end.Type).toBe('Fail');
        continue;
      }
      const settles = path.includes('SaveResult') || path.includes('MarkFailed');
      const justified = justifiedEarlySucceeds.includes(last) && !path.includes('Inspect');
      expect(settles || justified, path.join(' → ')).toBe(true);
      if (end.Type === 'Succeed' && path.includes('Inspect') && !path.includes('MarkFailed')) {
        expect(path, path.join(' → ')).toContain('SaveResult');
        if (last === 'Processed') expect(path).toContain('Publish');
        else expect(last).toBe('DeletedMeanwhile');
      }
    }
  });

  it('retries Lambda tasks on Lambda transient errors with exponential backoff and full jitter', () => {
    const lambdaTasks = tasks().filter(({ task }) => task.Resource === 'arn:aws:states:::lambda:invoke');
    expect(lambdaTasks.map(({ name }) => name).sort()).toEqual(
      [
        'Analyse',
        'Approve',
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

  it('retries throttling where it happens: Rekognition in the Parallel branches, DynamoDB, and publish', () => {
    for (const name of ['Thumbnails', 'Analyse']) {
      const task = tasks().find((t) => t.name === name)!;
      expect(task.enclosing).toBe('Process');
      expect(retriedErrors(task.task)).toEqual(
        expect.arrayContaining(['ThrottlingException', 'ProvisionedThroughputExceededException']),
      );
    }
    for (const name of ['MarkProcessing', 'LookUpImage']) {
      expect(retriedErrors(state(name))).toEqual(
        expect.arrayContaining([
          'DynamoDB.ProvisionedThroughputExceededException',
          'DynamoDB.ThrottlingException',
        ]),
      );
    }
    for (const name of ['Publish', 'PublishFailure'])
      expect(retriedErrors(state(name))).toContain('PublishFailed');
    expect(retriedErrors(state('Inspect'))).not.toContain('PublishFailed');
  });

  it('hands each function the event docs/contracts.md gives it, from the substituted ARN', () => {
    const expected: Record<string, { fn: PipelineSubstitution; payload: string[] }> = {
      Inspect: { fn: 'InspectFunctionArn', payload: ['bucket', 'key', 'versionId', 'owner', 'id'] },
      // duplicateOf: inspect's finding, so a duplicate's renditions and analysis are reused.
      // leaseToken: a call that finishes after its execution lost the lease removes what it wrote.
      Thumbnails: {
        fn: 'ThumbnailsFunctionArn',
        payload: ['bucket', 'key', 'versionId', 'owner', 'id', 'duplicateOf', 'leaseToken'],
      },
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
          'duplicateOf',
        ],
      },
      // blurred and placeholder: a FLAGGED duplicate's copied renditions are kept, not blurred twice.
      // leaseToken: the purge waits for the lease check.
      Flag: {
        fn: 'FlagFunctionArn',
        payload: ['bucket', 'versionId', 'owner', 'id', 'thumbnails', 'blurred', 'placeholder', 'leaseToken'],
      },
      // inheritedReview: a duplicate of bytes a moderator approved records the review it inherits.
      SaveResult: {
        fn: 'SaveResultFunctionArn',
        payload: [
          'owner',
          'id',
          'status',
          'image',
          'thumbnails',
          'placeholder',
          'analysis',
          'inheritedReview',
          'leaseToken',
        ],
      },
      MarkFailed: { fn: 'MarkFailedFunctionArn', payload: ['owner', 'id', 'error', 'leaseToken'] },
      Publish: { fn: 'PublishFunctionArn', payload: ['owner', 'id'] },
      PublishFailure: { fn: 'PublishFunctionArn', payload: ['owner', 'id'] },
      Approve: { fn: 'ApproveFunctionArn', payload: ['bucket', 'owner', 'id', 'leaseToken'] },
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

  it('claims with a lease: PENDING_UPLOAD, an expired or released lease, or a retryable FAILED code', () => {
    const params = state('MarkProcessing').Parameters as Record<string, unknown>;
    expect(state('MarkProcessing').Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect(params).toMatchObject({
      TableName: 'sub:TableName',
      ConditionExpression:
        // A reclaim must carry the version that claimed the item first: a reused ticket's version never claims it.
        '#status = :pending OR (((#status = :processing AND (attribute_not_exists(leaseToken) OR leasedAt < :staleBefore)) OR (#status = :failed AND #error.#code IN (:serviceUnavailable, :processingTimeout))) AND (attribute_not_exists(originalVersionId) OR originalVersionId = :versionId))',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#code': 'code' },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING_UPLOAD' },
        ':processing': { S: 'PROCESSING' },
        ':failed': { S: 'FAILED' },
        ':ownerStatus': { 'S.$': "States.Format('{}#PROCESSING', $.owner)" },
        ':now': { 'S.$': '$$.State.EnteredTime' },
        ':staleBefore': { 'S.$': '$.claim.staleBefore' },
        ':token': { 'S.$': '$$.Execution.Id' },
        ':versionId': { 'S.$': '$.versionId' },
      },
    });
    expect(state('SplitKey').Parameters).toMatchObject({ 'versionId.$': '$.detail.object.version-id' });
    const values = params.ExpressionAttributeValues as Record<string, { S?: string }>;
    expect([values[':serviceUnavailable']?.S, values[':processingTimeout']?.S]).toEqual(
      retryableFailureCodeList,
    );
    expect(params.UpdateExpression).toBe(
      'SET #status = :processing, ownerStatus = :ownerStatus, statusKey = :processing, updatedAt = :now, leaseToken = :token, leasedAt = :now, leaseAttempt = :attempt, originalVersionId = :versionId, #stage = :uploaded REMOVE expiresAtEpoch, #error, processedAt ADD #sequence :sequenceStep',
    );
    // Milestone UPLOADED: the claim is the image's first event (issue 19).
    expect(params.ExpressionAttributeNames).toMatchObject({ '#stage': 'stage', '#sequence': 'sequence' });
    expect(params.ExpressionAttributeValues).toMatchObject({
      ':uploaded': { S: 'UPLOADED' },
      ':sequenceStep': { N: '1' },
    });
  });

  it('fences every later write of the item with the execution id', () => {
    // Flag: its purge of uploads/ and the renditions is a write only the lease holder may make.
    for (const name of ['SaveResult', 'MarkFailed', 'Flag']) {
      const payload = state(name).Parameters?.Payload as Record<string, unknown>;
      expect(payload['leaseToken.$'], name).toBe('$$.Execution.Id');
    }
  });

  it('defaults the claim when the execution was started without one', () => {
    expect(machine.StartAt).toBe('IsApproval');
    expect(state('IsApproval').Default).toBe('HasClaim');
    expect(state('DefaultClaim').Parameters).toEqual({
      'detail.$': '$.detail',
      claim: { staleBefore: '1970-01-01T00:00:00.000Z', attempt: 0 },
    });
    // The lease outlives any execution, so a running one is never taken over.
    expect(flow.leaseSeconds).toBeGreaterThan(machine.TimeoutSeconds ?? Infinity);
  });

  it('announces through the publish function only: no SNS state (it notifies, with the dedupe key, and records)', () => {
    expect(tasks().filter((t) => t.task.Resource === 'arn:aws:states:::sns:publish')).toEqual([]);
    expect(state('Publish').Next).toBe('Processed');
    expect(state('PublishFailure').Next).toBe('ImageFailed');
  });

  it('retries every transient AWS error in every function and in the DynamoDB tasks', () => {
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
  });

  it("routes a moderator's approval (contracts/review.ts) to its own claim, then the shared save-and-publish tail", () => {
    // Only a queued approval with dispatch's claim takes this path; an S3 event never carries `approval`.
    expect(state('IsApproval').Choices).toEqual([
      {
        And: [
          { Variable: '$.approval', IsPresent: true },
          { Variable: '$.claim', IsPresent: true },
        ],
        Next: 'ClaimApproval',
      },
    ]);
    const claim = state('ClaimApproval');
    expect(claim.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    // Never claims an image nobody approved, nor one under another execution's live lease.
    expect(claim.Parameters).toMatchObject({
      ConditionExpression: expect.stringMatching(/^#review\.#decision = :approve AND /),
    });
    expect(String((claim.Parameters as { ConditionExpression: string }).ConditionExpression)).toContain(
      'attribute_not_exists(leaseToken) OR leasedAt < :staleBefore',
    );
    expect(claim.Next).toBe('ApprovalKey');
    expect(state('ApprovalKey').Next).toBe('Approve');
    expect(state('Approve').Next).toBe('WasResultSaved');
    expect(retriedErrors(claim)).toEqual(expect.arrayContaining([...transientDynamoDbTaskErrors]));
  });
});
