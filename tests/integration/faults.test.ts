import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { admin, stackInfo } from './support.ts';

/** SDK config for the shared stack with one attempt per call. */
function once() {
  const stack = stackInfo();
  return {
    endpoint: stack.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  };
}

/** One attempt per call: the SDK's own retries would hide an injected fault. */
function s3(): S3Client {
  const stack = stackInfo();
  return new S3Client({
    endpoint: stack.url,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  });
}

async function setFaults(faults: unknown[]): Promise<void> {
  await admin('faults', { method: 'PUT', body: JSON.stringify(faults) });
}

afterEach(async () => {
  await admin('faults', { method: 'DELETE' });
});

describe('injected faults on the running stack', () => {
  it('fails an S3 PutObject the admin API was told to fail (S3 used to be built without faults)', async () => {
    await setFaults([
      { service: 's3', operation: 'PutObject', match: 'faults-test/*', error: 'SlowDown', status: 503 },
    ]);
    const put = s3().send(
      new PutObjectCommand({ Bucket: names.localBucket, Key: 'faults-test/a.txt', Body: 'x' }),
    );
    await expect(put).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    // Another key is untouched.
    await expect(
      s3().send(new PutObjectCommand({ Bucket: names.localBucket, Key: 'other-test/a.txt', Body: 'x' })),
    ).resolves.toBeDefined();
  });

  it('fails the first `count` DynamoDB requests of an operation at the proxy, then lets them through', async () => {
    await setFaults([
      {
        service: 'dynamodb',
        operation: 'GetItem',
        match: names.table,
        error: 'ProvisionedThroughputExceededException',
        count: 2,
      },
    ]);
    const dynamodb = new DynamoDBClient(once());
    const get = () =>
      dynamodb.send(
        new GetItemCommand({ TableName: names.table, Key: { owner: { S: 'nobody' }, id: { S: 'none' } } }),
      );
    await expect(get()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    await expect(get()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    await expect(get()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });

  it('answers a DynamoDB InternalServerError with status 500', async () => {
    await setFaults([{ service: 'dynamodb', operation: 'GetItem', error: 'InternalServerError', count: 1 }]);
    const get = new DynamoDBClient(once()).send(
      new GetItemCommand({ TableName: names.table, Key: { owner: { S: 'n' }, id: { S: 'n' } } }),
    );
    await expect(get).rejects.toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
  });

  it('fails Step Functions API calls an injected fault names', async () => {
    await setFaults([
      { service: 'states', operation: 'ListExecutions', error: 'ThrottlingException', count: 1 },
    ]);
    const list = new SFNClient(once()).send(
      new ListExecutionsCommand({
        stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${names.stateMachine}`,
      }),
    );
    await expect(list).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('fails Cognito calls an injected fault names', async () => {
    await setFaults([
      { service: 'cognito-idp', operation: 'InitiateAuth', error: 'TooManyRequestsException' },
    ]);
    const signIn = new CognitoIdentityProviderClient(once()).send(
      new InitiateAuthCommand({
        ClientId: stackInfo().userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD: 'x' },
      }),
    );
    await expect(signIn).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });

  it('fails AppSync GraphQL requests an injected fault names, before authorization (a service fault)', async () => {
    await setFaults([{ service: 'appsync', operation: 'GraphQL', error: 'InternalFailureException' }]);
    const response = await fetch(stackInfo().graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ errors: [{ errorType: 'InternalFailureException' }] });
  });
});
