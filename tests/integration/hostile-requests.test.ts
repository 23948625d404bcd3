/**
 * Requests an ordinary AWS SDK v3 client (or a raw signed request) can send that the local stack
 * once got wrong, found by the acceptance red team: a 500 where AWS answers, and calls AWS refuses
 * that the stand-ins accepted. Each is refused (or served) as AWS does, and the stack stays healthy.
 */
import {
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DetectLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { signed } from './raw-requests.ts';
import { clientsFor, stackInfo, ulid } from './support.ts';
import { createUser } from './users.ts';

const clients = () => clientsFor();
const json = (target: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target });
/** `{"a":{"a":…1…}}`, nested deeper than any recursive JSON walker survives. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const stateMachineArn = `arn:aws:states:us-east-1:000000000000:stateMachine:${names.stateMachine}`;

async function expectHealthy(): Promise<void> {
  const health = await fetch(`${stackInfo().url}/_darkroom/health`);
  expect(health.status).toBe(200);
}

async function rejection(send: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await send();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call was accepted');
}

describe('a signature scoped to another region than the endpoint’s', () => {
  const inRegion = (region: string) => {
    const stack = stackInfo();
    return {
      endpoint: stack.url,
      region,
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      maxAttempts: 1,
    };
  };

  it.each([
    ['DynamoDB', () => new DynamoDBClient(inRegion('eu-west-1')).send(new ListTablesCommand({}))],
    ['SQS', () => new SQSClient(inRegion('eu-west-1')).send(new ListQueuesCommand({}))],
    ['SNS', () => new SNSClient(inRegion('eu-west-1')).send(new ListTopicsCommand({}))],
    [
      'Step Functions',
      () =>
        new SFNClient(inRegion('eu-west-1')).send(
          new StartExecutionCommand({ stateMachineArn, input: '{}' }),
        ),
    ],
  ])('is refused by %s, naming the region', async (_service, send) => {
    const refused = await rejection(send);
    expect(refused.message).toContain("Credential should be scoped to a valid region, not 'eu-west-1'");
    await expectHealthy();
  });

  it('reaches the SNS client as a query-protocol error it can read, like every edge refusal', async () => {
    const stack = stackInfo();
    const wrongSecret = new SNSClient({
      ...inRegion('us-east-1'),
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    const refused = await rejection(() => wrongSecret.send(new ListTopicsCommand({})));
    expect(refused.name).toBe('SignatureDoesNotMatch');
  });

  it('still lets the stack’s own region through', async () => {
    const answer = await new DynamoDBClient(inRegion('us-east-1')).send(new ListTablesCommand({}));
    expect(answer.TableNames).toContain(names.table);
  });
});

describe('S3 object limits', () => {
  const key = (bytes: number) => `redteam/${'k'.repeat(bytes - 'redteam/'.length)}`;

  it('refuses a key longer than 1,024 bytes with KeyTooLongError, on PUT and copy', async () => {
    const { s3 } = clients();
    await s3.send(new PutObjectCommand({ Bucket: names.localBucket, Key: key(1024), Body: 'x' }));
    const put = await rejection(() =>
      s3.send(new PutObjectCommand({ Bucket: names.localBucket, Key: key(1025), Body: 'x' })),
    );
    expect(put.name).toBe('KeyTooLongError');
    // Bytes, not characters: 400 three-byte characters are 1,200 bytes.
    const wide = await rejection(() =>
      s3.send(
        new PutObjectCommand({ Bucket: names.localBucket, Key: `redteam/${'€'.repeat(400)}`, Body: 'x' }),
      ),
    );
    expect(wide.name).toBe('KeyTooLongError');
    const copy = await rejection(() =>
      s3.send(
        new CopyObjectCommand({
          Bucket: names.localBucket,
          Key: key(1025),
          CopySource: `${names.localBucket}/${key(1024)}`,
        }),
      ),
    );
    expect(copy.name).toBe('KeyTooLongError');
    const stored = await rejection(() =>
      s3.send(new HeadObjectCommand({ Bucket: names.localBucket, Key: key(1025) })),
    );
    expect(stored.name).toBe('NotFound');
  });

  it('refuses user metadata over 2 KB with MetadataTooLarge', async () => {
    const { s3 } = clients();
    await s3.send(
      new PutObjectCommand({
        Bucket: names.localBucket,
        Key: 'redteam/metadata',
        Body: 'x',
        Metadata: { note: 'm'.repeat(1024) },
      }),
    );
    const refused = await rejection(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: names.localBucket,
          Key: 'redteam/metadata',
          Body: 'x',
          Metadata: { note: 'm'.repeat(1100), more: 'm'.repeat(1000) },
        }),
      ),
    );
    expect(refused.name).toBe('MetadataTooLarge');
  });
});

describe('S3 header and parameter values', () => {
  it('refuses a storage class S3 does not have, and a malformed version id on delete', async () => {
    const { s3 } = clients();
    const storage = await rejection(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: names.localBucket,
          Key: 'redteam/storage-class',
          Body: 'x',
          StorageClass: 'BOGUS' as StorageClass,
        }),
      ),
    );
    expect(storage.name).toBe('InvalidStorageClass');
    const version = await rejection(() =>
      s3.send(
        new DeleteObjectCommand({ Bucket: names.localBucket, Key: 'redteam/metadata', VersionId: 'nope' }),
      ),
    );
    expect(version.name).toBe('InvalidArgument');
    // A well-formed id S3 never issued is a no-op, as on AWS.
    await s3.send(
      new DeleteObjectCommand({
        Bucket: names.localBucket,
        Key: 'redteam/metadata',
        VersionId: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    );
  });
});

describe('Lambda Invoke with a deeply nested JSON payload', () => {
  it('passes the payload to the function as sent instead of failing with a 500', async () => {
    const { lambda } = clients();
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: functionSpecs.sweeper.functionName,
        Payload: Buffer.from(nested(50_000)),
      }),
    );
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    await expectHealthy();
  });
});

describe('Step Functions execution input', () => {
  const sfn = () => {
    const stack = stackInfo();
    return new SFNClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      maxAttempts: 1,
      // StartSyncExecution's `sync-` host prefix names no local host.
      disableHostPrefix: true,
    });
  };

  it('refuses input that is not JSON with InvalidExecutionInput', async () => {
    for (const send of [
      () => sfn().send(new StartExecutionCommand({ stateMachineArn, input: '{"detail":' })),
      () => sfn().send(new StartSyncExecutionCommand({ stateMachineArn, input: 'not json' })),
    ]) {
      const refused = await rejection(send);
      expect(refused.name).toBe('InvalidExecutionInput');
    }
  });

  it('refuses input over 256 KiB with a ValidationException naming the limit', async () => {
    const input = JSON.stringify({ padding: 'p'.repeat(262_144) });
    const refused = await rejection(() => sfn().send(new StartExecutionCommand({ stateMachineArn, input })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain('262144');
  });

  it('refuses input nested too deeply to run, naming the cause, instead of a stack overflow', async () => {
    const refused = await rejection(() =>
      sfn().send(new StartExecutionCommand({ stateMachineArn, input: nested(40_000) })),
    );
    expect(refused.name).toBe('InvalidExecutionInput');
    expect(refused.message).not.toContain('RangeError');
    expect(refused.message).toMatch(/nest/i);
  });

  it('refuses an input that is not a string with SerializationException', async () => {
    const answer = await signed(
      'states',
      'POST',
      '/',
      {},
      json('AWSStepFunctions.StartSyncExecution'),
      JSON.stringify({ stateMachineArn, input: { detail: {} } }),
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('SerializationException');
    await expectHealthy();
  });
});

describe('the user pool’s password policy (contracts/password-policy.ts)', () => {
  const cognito = () => {
    const stack = stackInfo();
    return new CognitoIdentityProviderClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      maxAttempts: 1,
    });
  };
  const signUp = (password: string) => {
    const username = `weak-${ulid().toLowerCase()}@example.com`;
    return cognito().send(
      new SignUpCommand({
        ClientId: stackInfo().userPoolClientId,
        Username: username,
        Password: password,
        UserAttributes: [{ Name: 'email', Value: username }],
      }),
    );
  };

  it.each([
    ['Ab1!', 'InvalidPasswordException', 'Password not long enough'],
    ['ABCDEFG1!', 'InvalidPasswordException', 'lowercase'],
    ['abcdefg1!', 'InvalidPasswordException', 'uppercase'],
    ['Abcdefgh!', 'InvalidPasswordException', 'numeric'],
    ['Abcdefg12', 'InvalidPasswordException', 'symbol'],
    [' Abcdefg1!', 'InvalidParameterException', 'regular expression'],
    [`Aa1!${'x'.repeat(253)}`, 'InvalidParameterException', 'regular expression'],
  ])('refuses SignUp with %j: %s naming the rule', async (password, code, rule) => {
    const refused = await rejection(() => signUp(password));
    expect(refused.name).toBe(code);
    expect(refused.message).toContain(rule);
  });

  it('refuses a weak ProposedPassword on ChangePassword and keeps the old one', async () => {
    const user = await createUser('weak-change');
    const refused = await rejection(() =>
      cognito().send(
        new ChangePasswordCommand({
          AccessToken: user.accessToken,
          PreviousPassword: user.password,
          ProposedPassword: 'short',
        }),
      ),
    );
    expect(refused.name).toBe('InvalidPasswordException');
    const accepted = await signUp('A-long-passw0rd!');
    expect(accepted.UserSub).toBeTruthy();
  });
});

describe('EventBridge PutEvents', () => {
  const put = (entries: unknown[]) =>
    signed(
      'events',
      'POST',
      '/',
      {},
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      JSON.stringify({ Entries: entries }),
    );

  it('refuses an aws.s3 event from a caller (a forged upload), an array Detail and 256 KiB of entries', async () => {
    const forged = await put([
      {
        Source: 'aws.s3',
        DetailType: 'Object Created',
        Detail: JSON.stringify({
          bucket: { name: names.localBucket },
          object: { key: 'uploads/someone/01ABC/original' },
        }),
      },
      { Source: 'app.redteam', DetailType: 'Note', Detail: '[1]' },
    ]);
    expect(forged.status).toBe(200);
    const answer = JSON.parse(forged.text) as { FailedEntryCount: number; Entries: { ErrorCode?: string }[] };
    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries.map((entry) => entry.ErrorCode)).toEqual([
      'NotAuthorizedForSourceException',
      'MalformedDetail',
    ]);
    const big = await put([
      { Source: 'app.redteam', DetailType: 'Note', Detail: JSON.stringify({ p: 'x'.repeat(262_144) }) },
    ]);
    expect(big.status).toBe(400);
    expect(big.text).toContain('ValidationException');
  });
});

describe('user attributes a sign-up may write', () => {
  const cognito = () => {
    const stack = stackInfo();
    return new CognitoIdentityProviderClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      maxAttempts: 1,
    });
  };
  const signUpWith = (attributes: { Name: string; Value: string }[]) => {
    const username = `attrs-${ulid().toLowerCase()}@example.com`;
    return cognito().send(
      new SignUpCommand({
        ClientId: stackInfo().userPoolClientId,
        Username: username,
        Password: 'A-long-passw0rd!',
        UserAttributes: [{ Name: 'email', Value: username }, ...attributes],
      }),
    );
  };

  it('never include another user’s sub: a sign-up cannot take over someone’s identity and images', async () => {
    const victim = await createUser('victim');
    const refused = await rejection(() => signUpWith([{ Name: 'sub', Value: victim.sub }]));
    expect(refused.name).toBe('NotAuthorizedException');
    expect(refused.message).toContain('unauthorized attribute');
    const groups = await rejection(() => signUpWith([{ Name: 'cognito:groups', Value: 'moderators' }]));
    expect(groups.name).toBe('NotAuthorizedException');
  });

  it('refuses an attribute the pool’s schema does not have', async () => {
    const refused = await rejection(() => signUpWith([{ Name: 'custom:role', Value: 'admin' }]));
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toContain('custom:role');
    const accepted = await signUpWith([{ Name: 'name', Value: 'Ada' }]);
    expect(accepted.UserSub).toBeTruthy();
  });
});

describe('Rekognition requests the cloud refuses', () => {
  const rekognition = () => {
    const stack = stackInfo();
    return new RekognitionClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      maxAttempts: 1,
    });
  };
  const detect = (Bytes: Uint8Array, extra: { MinConfidence?: number; MaxLabels?: number } = {}) =>
    rekognition().send(new DetectLabelsCommand({ Image: { Bytes }, ...extra }));

  it('refuses bytes that are no JPEG or PNG, an inline image over 5 MB and a MinConfidence over 100', async () => {
    const jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    await detect(jpeg);
    expect((await rejection(() => detect(Buffer.from('not an image at all')))).name).toBe(
      'InvalidImageFormatException',
    );
    const webp = await sharp(jpeg).webp().toBuffer();
    expect((await rejection(() => detect(webp))).name).toBe('InvalidImageFormatException');
    const padded = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]);
    expect((await rejection(() => detect(padded))).name).toBe('ImageTooLargeException');
    const confidence = await rejection(() => detect(jpeg, { MinConfidence: 101 }));
    expect(confidence.name).toBe('InvalidParameterException');
    expect(confidence.message).toContain('MinConfidence');
  });
});
