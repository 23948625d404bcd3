import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liveAlias } from '../../../contracts/function-specs.ts';
import { ownerStatusKey } from '../../../contracts/image-item.ts';
import { keys, names } from '../../../contracts/names.ts';
import { ImageTooLargeError } from '../../../functions/shared/errors.ts';
import { objectCreated as objectCreatedFor } from '../../../tests/object-created.ts';
import { loadConfig } from '../../config.ts';
import { AwsError } from '../../provider.ts';
import { providerContext } from '../../provider-context.ts';
import { serveProvider } from '../../serve-provider.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/testing.ts';
import { parseFunctionReference } from '../lambda/function-reference.ts';
import { localPipelineSubstitutions, StepFunctionsProvider } from './index.ts';

const f = names.functions;

const objectCreated = (key: string) => objectCreatedFor(names.localBucket, key);

const thumbnails = (['SMALL', 'MEDIUM', 'LARGE'] as const).flatMap((size) =>
  (['JPEG', 'WEBP'] as const).map((format) => ({
    size,
    format,
    width: 150,
    height: 100,
    contentType: format === 'JPEG' ? 'image/jpeg' : 'image/webp',
    key: `thumbnails/o/i/${size.toLowerCase()}.${format === 'JPEG' ? 'jpg' : 'webp'}`,
  })),
);
const safeAnalysis = {
  labels: [{ name: 'Cat', confidence: 97.5, parents: ['Animal'] }],
  faceCount: 0,
  faces: [],
  moderationLabels: [],
  isSafe: true,
};
const image = {
  width: 2000,
  height: 1500,
  format: 'jpeg',
  orientation: 1,
  bytes: 1024,
  etag: 'e1',
  metadata: null,
  sha256: 'a'.repeat(64),
  duplicateOf: null,
};
const placeholder = { hash: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw', dominantColor: '#336699' };

type Behaviour = (payload: Record<string, unknown>) => unknown;

/** The Lambda layer, faked: each function answers as its contract says unless a test overrides it. */
function fakeLambda(overrides: Partial<Record<string, Behaviour>> = {}) {
  const calls: Array<{ name: string; payload: Record<string, unknown> }> = [];
  const defaults: Record<string, Behaviour> = {
    [f.inspect]: () => image,
    [f.thumbnails]: () => ({ thumbnails, placeholder, blurred: false }),
    [f.analyse]: () => ({ analysis: safeAnalysis, inheritedReview: null }),
    [f.flag]: (p) => ({
      thumbnails: (p.thumbnails as typeof thumbnails).map((t) => ({ ...t, width: t.width })),
      placeholder,
    }),
    [f.saveResult]: () => ({ saved: true }),
    [f.markFailed]: (p) => ({
      marked: true,
      code: (p.error as { Error: string }).Error,
      message: 'recorded',
    }),
    [f.publish]: () => ({ published: true, status: 'COMPLETED' }),
  };
  const invokeLambda = async (nameOrArn: string, payload: unknown) => {
    // Tasks name the live alias's ARN, as in the cloud; the local Lambda resolves it the same way.
    const { name, qualifiers } = parseFunctionReference(nameOrArn);
    expect(qualifiers).toEqual([liveAlias]);
    calls.push({ name, payload: payload as Record<string, unknown> });
    const behaviour = overrides[name] ?? defaults[name];
    if (!behaviour) throw new AwsError('ResourceNotFoundException', `Function not found: ${name}`, 404);
    return behaviour(payload as Record<string, unknown>);
  };
  return { invokeLambda, calls, names: () => calls.map((c) => c.name) };
}

let dynamo: DynamoDbLocal;
let dataDir: string;
let sns: SNSClient;
let s3: S3Client;
let snsMock: ReturnType<typeof mockClient>;
let s3Mock: ReturnType<typeof mockClient>;
let providers: StepFunctionsProvider[] = [];
let counter = 0;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 90_000);

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-sfn-'));
  sns = new SNSClient({ region: 'us-east-1' });
  s3 = new S3Client({ region: 'us-east-1' });
  snsMock = mockClient(sns);
  s3Mock = mockClient(s3);
  snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
  s3Mock.on(DeleteObjectCommand).resolves({});
});

afterEach(async () => {
  await Promise.all(providers.map((p) => p.stop()));
  providers = [];
  await rm(dataDir, { recursive: true, force: true });
});

async function provider(lambda: ReturnType<typeof fakeLambda>): Promise<StepFunctionsProvider> {
  const p = new StepFunctionsProvider({
    ...providerContext(loadConfig({}, { dataDir })),
    endpoint: 'http://127.0.0.1:9',
    invokeLambda: lambda.invokeLambda,
    retryDelayMs: 1,
    clients: { dynamodb: dynamo.client, sns, s3 },
  });
  providers.push(p);
  await p.start();
  return p;
}

/** A fresh image id, with its item in the given status (or none). */
async function image_(status: 'PENDING_UPLOAD' | 'COMPLETED' | null) {
  counter += 1;
  const owner = `owner-${counter}`;
  const id = `01JD0000000000000000000${counter.toString().padStart(3, '0')}`;
  if (status) {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: names.table,
        Item: {
          owner: { S: owner },
          id: { S: id },
          status: { S: status },
          ownerStatus: { S: ownerStatusKey(owner, status) },
          createdAt: { S: '2026-11-24T00:00:00.000Z' },
          expiresAtEpoch: { N: '1795996800' },
        },
      }),
    );
  }
  return { owner, id, key: keys.original(owner, id) };
}

async function run(p: StepFunctionsProvider, key: string) {
  const { executionArn } = p.startExecution(objectCreated(key));
  await p.waitForIdle();
  const record = p.describeExecution(executionArn);
  if (!record) throw new Error('execution not recorded');
  return record;
}

describe('StepFunctionsProvider running pipeline.asl.json', () => {
  it('takes an upload through the COMPLETED path in order and marks the item PROCESSING on the way', async () => {
    const lambda = fakeLambda();
    const p = await provider(lambda);
    const { owner, id, key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output ?? '')).toMatchObject({ owner, id, outcome: { status: 'COMPLETED' } });
    const topLevel = record.states.filter((s) => s !== 'Thumbnails' && s !== 'Analyse');
    expect(topLevel).toEqual([
      'IsApproval',
      'HasClaim',
      'DefaultClaim',
      'SplitKey',
      'CountKeyParts',
      'HasFourKeyParts',
      'IsOriginalUploadKey',
      'ReadKeyParts',
      'MarkProcessing',
      'Inspect',
      'Process',
      'IsImageSafe',
      'KeepThumbnails',
      'SaveResult',
      'WasResultSaved',
      'Publish',
      'Processed',
    ]);
    expect(lambda.names()).toEqual([
      f.inspect,
      expect.any(String),
      expect.any(String),
      f.saveResult,
      f.publish,
    ]);
    expect(new Set(lambda.names().slice(1, 3))).toEqual(new Set([f.thumbnails, f.analyse]));
    expect(lambda.calls.find((c) => c.name === f.saveResult)?.payload).toEqual({
      owner,
      id,
      status: 'COMPLETED',
      image,
      thumbnails,
      placeholder,
      analysis: safeAnalysis,
      inheritedReview: null,
      leaseToken: record.executionArn,
    });

    // The publish function announces (AppSync, SNS) and records it: the state machine publishes nothing itself.
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);

    // The fake save-result writes nothing, so the item shows exactly what MarkProcessing did.
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: names.table, Key: { owner: { S: owner }, id: { S: id } } }),
    );
    expect(Item?.status).toEqual({ S: 'PROCESSING' });
    expect(Item?.statusKey).toEqual({ S: 'PROCESSING' });
    expect(Item?.ownerStatus).toEqual({ S: `${owner}#PROCESSING` });
    expect(Item?.expiresAtEpoch).toBeUndefined();
    expect(Date.parse(Item?.updatedAt?.S ?? '')).toBeGreaterThanOrEqual(Date.parse(record.startDate));
    // The lease: the execution id is the fencing token, taken at the claim.
    expect(Item?.leaseToken).toEqual({ S: record.executionArn });
    expect(Item?.leasedAt).toEqual(Item?.updatedAt);
    expect(Item?.leaseAttempt).toEqual({ N: '0' });
  });

  it('flags an unsafe image and saves the blurred thumbnails as FLAGGED', async () => {
    const blurred = thumbnails.map((t) => ({ ...t, key: `${t.key}#blurred` }));
    const lambda = fakeLambda({
      [f.analyse]: () => ({
        analysis: {
          ...safeAnalysis,
          isSafe: false,
          moderationLabels: [{ name: 'Violence', parentName: '', confidence: 88 }],
        },
        inheritedReview: null,
      }),
      [f.flag]: () => ({ thumbnails: blurred, placeholder }),
    });
    const p = await provider(lambda);
    const { key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states).toContain('Flag');
    expect(record.states).not.toContain('KeepThumbnails');
    const saved = lambda.calls.find((c) => c.name === f.saveResult)?.payload;
    expect(saved).toMatchObject({ status: 'FLAGGED', thumbnails: blurred });
    // Renditions the thumbnails step rendered are not blurred yet: flag is told so.
    expect(lambda.calls.find((c) => c.name === f.flag)?.payload).toMatchObject({
      blurred: false,
      placeholder,
    });
  });

  it('hands inspect’s duplicate to thumbnails and analyse, and a copied FLAGGED rendition set to flag as blurred', async () => {
    const first = '01FIRSTIMAGE0000000000000';
    const lambda = fakeLambda({
      [f.inspect]: () => ({ ...image, duplicateOf: first }),
      [f.thumbnails]: () => ({ thumbnails, placeholder, blurred: true }),
      [f.analyse]: () => ({ analysis: { ...safeAnalysis, isSafe: false }, inheritedReview: null }),
    });
    const p = await provider(lambda);
    const { key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    const payloadOf = (name: string) => lambda.calls.find((c) => c.name === name)?.payload;
    expect(payloadOf(f.thumbnails)).toMatchObject({ duplicateOf: first });
    expect(payloadOf(f.analyse)).toMatchObject({ duplicateOf: first });
    expect(payloadOf(f.flag)).toMatchObject({ blurred: true, placeholder, thumbnails });
    expect(payloadOf(f.saveResult)).toMatchObject({ status: 'FLAGGED', image: { duplicateOf: first } });
  });

  describe('a duplicate of bytes a moderator approved (analyse passes the inherited review)', () => {
    const first = '01FIRSTIMAGE0000000000000';
    const unsafe = {
      ...safeAnalysis,
      isSafe: false,
      moderationLabels: [{ name: 'Violence', parentName: null, confidence: 91.5 }],
    };
    const inheritedReview = {
      decision: 'APPROVE',
      reviewer: 'moderator-1',
      reviewedAt: '2026-12-01T08:00:00.000Z',
      inheritedFrom: first,
    };

    it('keeps its unblurred copies and saves COMPLETED with the machine’s analysis and the review', async () => {
      const lambda = fakeLambda({
        [f.inspect]: () => ({ ...image, duplicateOf: first }),
        [f.analyse]: () => ({ analysis: unsafe, inheritedReview }),
      });
      const p = await provider(lambda);
      const { key } = await image_('PENDING_UPLOAD');

      const record = await run(p, key);

      expect(record.status).toBe('SUCCEEDED');
      expect(record.states).toContain('KeepThumbnails');
      expect(lambda.names()).not.toContain(f.flag);
      expect(lambda.calls.find((c) => c.name === f.saveResult)?.payload).toMatchObject({
        status: 'COMPLETED',
        thumbnails,
        analysis: unsafe,
        inheritedReview,
      });
    });

    it('is flagged when its copies are blurred ones (copied while the image it duplicates was still FLAGGED)', async () => {
      const lambda = fakeLambda({
        [f.inspect]: () => ({ ...image, duplicateOf: first }),
        [f.thumbnails]: () => ({ thumbnails, placeholder, blurred: true }),
        [f.analyse]: () => ({ analysis: unsafe, inheritedReview }),
      });
      const p = await provider(lambda);
      const { key } = await image_('PENDING_UPLOAD');

      const record = await run(p, key);

      expect(record.status).toBe('SUCCEEDED');
      expect(record.states).not.toContain('KeepThumbnails');
      expect(lambda.calls.find((c) => c.name === f.flag)?.payload).toMatchObject({ blurred: true });
      expect(lambda.calls.find((c) => c.name === f.saveResult)?.payload).toMatchObject({ status: 'FLAGGED' });
    });
  });

  it('stops without publishing when save-result finds the image deleted meanwhile', async () => {
    const lambda = fakeLambda({ [f.saveResult]: () => ({ saved: false }) });
    const p = await provider(lambda);
    const { key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.slice(-2)).toEqual(['WasResultSaved', 'DeletedMeanwhile']);
    expect(lambda.names()).not.toContain(f.publish);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('ends a duplicate event for an existing item as Succeeded without calling inspect', async () => {
    const lambda = fakeLambda();
    const p = await provider(lambda);
    const { key } = await image_('COMPLETED');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.slice(-4)).toEqual([
      'DoesImageExist',
      'IsImageSettled',
      'IsClaimedVersion',
      'DuplicateEvent',
    ]);
    expect(lambda.calls).toEqual([]);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('deletes an upload that has no item, and succeeds', async () => {
    const lambda = fakeLambda();
    const p = await provider(lambda);
    const { key } = await image_(null);

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.slice(-2)).toEqual(['DeleteOrphanUpload', 'OrphanDeleted']);
    expect(s3Mock.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: names.localBucket, Key: key },
    ]);
    expect(lambda.calls).toEqual([]);
  });

  it('deletes an object whose key is not uploads/{owner}/{id}/original', async () => {
    const p = await provider(fakeLambda());

    const record = await run(p, 'uploads/owner-x/extra/level/original');

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.slice(-2)).toEqual(['DeleteMalformedUpload', 'MalformedKeyDeleted']);
    expect(record.states).not.toContain('MarkProcessing');
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input.Key).toBe(
      'uploads/owner-x/extra/level/original',
    );
  });

  it('records an image error with its name, publishes and notifies FAILED, and ends in Succeed', async () => {
    const lambda = fakeLambda({
      [f.inspect]: () => {
        throw new ImageTooLargeError('40000 x 40000 is over the 100 megapixel limit');
      },
    });
    const p = await provider(lambda);
    const { owner, id, key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    // ExecutionsFailed counts platform problems only: a bad image is a successful outcome.
    expect(record.status).toBe('SUCCEEDED');
    expect(lambda.names()).toEqual([f.inspect, f.markFailed, f.publish]);
    const markFailed = lambda.calls[1]?.payload as {
      owner: string;
      id: string;
      error: { Error: string; Cause: string };
    };
    expect(markFailed).toMatchObject({
      owner,
      id,
      error: { Error: 'ImageTooLarge' },
      leaseToken: record.executionArn,
    });
    expect(JSON.parse(markFailed.error.Cause)).toMatchObject({ errorType: 'ImageTooLarge' });
    expect(record.states.slice(-3)).toEqual(['WasMarkedFailed', 'PublishFailure', 'ImageFailed']);
  });

  it('retries a throttled Lambda invocation as Lambda.TooManyRequestsException and carries on', async () => {
    let attempts = 0;
    const lambda = fakeLambda({
      [f.inspect]: () => {
        attempts += 1;
        if (attempts <= 2) throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429);
        return image;
      },
    });
    const p = await provider(lambda);
    const { key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('SUCCEEDED');
    expect(attempts).toBe(3);
    expect(record.retries).toEqual({ Inspect: 2 });
    expect(lambda.names()).not.toContain(f.markFailed);
  });

  it('fails the execution on a platform error without marking the image, and releases its lease', async () => {
    const lambda = fakeLambda({
      [f.analyse]: () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    });
    const p = await provider(lambda);
    const { owner, id, key } = await image_('PENDING_UPLOAD');

    const record = await run(p, key);

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ThrottlingException');
    expect(lambda.names().filter((n) => n === f.analyse)).toHaveLength(7);
    expect(lambda.names()).not.toContain(f.markFailed);
    expect(record.states.slice(-2)).toEqual(['ReleaseLease', 'PipelineFailed']);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: names.table, Key: { owner: { S: owner }, id: { S: id } } }),
    );
    expect(Item?.status).toEqual({ S: 'PROCESSING' });
    expect(Item?.leaseToken).toBeUndefined();

    // The redelivered message claims the released lease at once and finishes the image.
    const retried = fakeLambda();
    const again = await provider(retried);
    const second = await run(again, key);
    expect(second.status).toBe('SUCCEEDED');
    expect(retried.names()).toContain(f.saveResult);
  });

  it('fails with LeaseHeld while another execution holds a live lease, and claims it once stale', async () => {
    const { owner, id, key } = await image_('PENDING_UPLOAD');
    const itemKey = { owner: { S: owner }, id: { S: id } };
    const leasedAt = new Date(Date.now() - 60_000).toISOString();
    await dynamo.client.send(
      new PutItemCommand({
        TableName: names.table,
        Item: {
          ...itemKey,
          status: { S: 'PROCESSING' },
          statusKey: { S: 'PROCESSING' },
          createdAt: { S: leasedAt },
          updatedAt: { S: leasedAt },
          leasedAt: { S: leasedAt },
          leaseToken: { S: 'arn:other-execution' },
        },
      }),
    );
    const lambda = fakeLambda();
    const p = await provider(lambda);
    const claim = (staleBefore: Date) => ({
      ...objectCreated(key),
      claim: { staleBefore: staleBefore.toISOString(), attempt: 2 },
    });

    const held = await p.startSyncExecution(claim(new Date(Date.now() - 330_000)));
    expect(held).toMatchObject({ status: 'FAILED', error: 'LeaseHeld' });
    expect(lambda.calls).toEqual([]);

    const taken = await p.startSyncExecution(claim(new Date()));
    expect(taken.status).toBe('SUCCEEDED');
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: names.table, Key: itemKey }));
    expect(Item?.leaseToken).toEqual({ S: taken.executionArn });
    expect(Item?.leaseAttempt).toEqual({ N: '2' });
  });

  it('re-claims an image FAILED with a retryable code (a DLQ redrive), but not one FAILED by the image', async () => {
    const lambda = fakeLambda();
    const p = await provider(lambda);
    const put = async (code: string) => {
      const { owner, id, key } = await image_(null);
      await dynamo.client.send(
        new PutItemCommand({
          TableName: names.table,
          Item: {
            owner: { S: owner },
            id: { S: id },
            status: { S: 'FAILED' },
            error: { M: { code: { S: code }, message: { S: 'x' } } },
            createdAt: { S: '2026-11-24T00:00:00.000Z' },
          },
        }),
      );
      return { owner, id, key };
    };
    const retryable = await put('ServiceUnavailable');
    const terminal = await put('CorruptImage');

    const redriven = await run(p, retryable.key);
    const duplicate = await run(p, terminal.key);

    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.states).toContain('SaveResult');
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: names.table,
        Key: { owner: { S: retryable.owner }, id: { S: retryable.id } },
      }),
    );
    expect(Item?.error).toBeUndefined();
    expect(duplicate.states.at(-1)).toBe('DuplicateEvent');
  });
});

describe('StepFunctionsProvider history and API', () => {
  it('keeps executions on disk and marks those left RUNNING as ABORTED on start', async () => {
    const p = await provider(fakeLambda());
    const { key } = await image_('COMPLETED');
    const finished = await run(p, key);
    const file = path.join(dataDir, 'stepfunctions', 'executions.json');
    // The journal: one JSON line per execution as it last changed.
    const saved = (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const interrupted = {
      ...saved[0],
      executionArn: `${finished.executionArn}-2`,
      name: 'interrupted',
      status: 'RUNNING',
    };
    delete interrupted.stopDate;
    await appendFile(file, `${JSON.stringify(interrupted)}\n`);

    const restarted = await provider(fakeLambda());

    const byName = Object.fromEntries(restarted.listExecutions().map((r) => [r.name, r]));
    expect(byName[finished.name]?.status).toBe('SUCCEEDED');
    expect(byName.interrupted?.status).toBe('ABORTED');
    expect(byName.interrupted?.stopDate).toEqual(expect.any(String));
  });

  it('aborts running executions on stop and records them ABORTED', async () => {
    let inspectCalled = () => {};
    const inspecting = new Promise<void>((resolve) => {
      inspectCalled = resolve;
    });
    const lambda = fakeLambda({
      [f.inspect]: () => {
        inspectCalled();
        return new Promise(() => {});
      },
    });
    const p = await provider(lambda);
    const { key } = await image_('PENDING_UPLOAD');
    const { executionArn } = p.startExecution(objectCreated(key));
    await inspecting;

    await p.stop();

    expect(p.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'States.Aborted' });
    expect(lambda.names()).not.toContain(f.markFailed);
  });

  it('answers StartExecution, DescribeExecution and ListExecutions to the AWS SDK', async () => {
    const p = await provider(fakeLambda());
    const server = await serveProvider((request) => p.handle(request));
    const sfn = new SFNClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const { key } = await image_('COMPLETED');
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: p.stateMachineArn,
          name: 'via-api',
          input: JSON.stringify(objectCreated(key)),
        }),
      );
      await p.waitForIdle();
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({
        name: 'via-api',
        status: 'SUCCEEDED',
        stateMachineArn: p.stateMachineArn,
      });
      expect(described.stopDate).toBeInstanceOf(Date);
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: p.stateMachineArn }));
      expect(listed.executions?.map((e) => e.executionArn)).toEqual([executionArn]);
      await expect(
        sfn.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-missing` })),
      ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    } finally {
      sfn.destroy();
      await server.close();
    }
  });

  it('answers StartSyncExecution with the outcome of the execution, HTTP 200 even when it FAILED', async () => {
    const lambda = fakeLambda({
      [f.inspect]: () => {
        throw new AwsError('ServiceException', 'boom', 500);
      },
    });
    const p = await provider(lambda);
    const server = await serveProvider((request) => p.handle(request));
    const sfn = new SFNClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      // The SDK sends StartSyncExecution to a `sync-` host prefix that 127.0.0.1 cannot have.
      disableHostPrefix: true,
    });
    try {
      const completed = await image_('COMPLETED');
      const pending = await image_('PENDING_UPLOAD');
      const ok = await sfn.send(
        new StartSyncExecutionCommand({
          stateMachineArn: p.stateMachineArn,
          input: JSON.stringify(objectCreated(completed.key)),
        }),
      );
      expect(ok).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: p.stateMachineArn });
      expect(ok.stopDate).toBeInstanceOf(Date);
      const failed = await sfn.send(
        new StartSyncExecutionCommand({
          stateMachineArn: p.stateMachineArn,
          input: JSON.stringify(objectCreated(pending.key)),
        }),
      );
      expect(failed).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
      await expect(
        sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${p.stateMachineArn}-x`, input: '{}' })),
      ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    } finally {
      sfn.destroy();
      await server.close();
    }
  });

  it('fills the definition with the local stack names', () => {
    const subs = localPipelineSubstitutions(loadConfig({}));
    expect(subs.InspectFunctionArn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${f.inspect}:live`);
    expect(subs.BucketName).toBe(names.localBucket);
    expect(subs.TableName).toBe(names.table);
  });
});
