/**
 * As strict as AWS, against the running stack: Cognito's IAM-authorised operations need the
 * stack's SigV4 signature while an ordinary SDK script works unchanged, tokens signed with
 * cognito-local's published key are refused, and each function's own credentials are held to its
 * IAM policy.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { decodeJwt, importJWK, type JWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { functionSpecs, liveAlias, liveFunctionName } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { LocalIam } from '../../local/iam/local-iam.ts';
import { signedGraphqlRequest } from '../../local/providers/appsync/testing/sign-iam.ts';
import { clientsFor, stackInfo, ulid } from './support.ts';
import { createUser } from './users.ts';

const stack = stackInfo();
const cognitoWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new CognitoIdentityProviderClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });

describe('Cognito on the stack', () => {
  it('runs an ordinary AWS SDK v3 script: create, list, get and delete a user', async () => {
    const cognito = cognitoWith(stack);
    const UserPoolId = stack.userPoolId;
    const email = `script-${ulid().toLowerCase()}@example.com`;
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
        MessageAction: 'SUPPRESS',
      }),
    );
    expect(created.User?.UserCreateDate).toBeInstanceOf(Date);
    const Username = created.User?.Username ?? '';
    const { Users = [] } = await cognito.send(new ListUsersCommand({ UserPoolId }));
    expect(Users.map((user) => user.Username)).toContain(Username);
    const got = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username }));
    expect(got.UserAttributes).toContainEqual({ Name: 'email', Value: email });
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username }));
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId, Username }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    cognito.destroy();
  });

  it('refuses ListUsers unsigned or signed with a wrong secret', async () => {
    const unsigned = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers',
      },
      body: JSON.stringify({ UserPoolId: stack.userPoolId }),
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const wrong = cognitoWith({ accessKeyId: stack.accessKeyId, secretAccessKey: 'not-the-secret' });
    await expect(wrong.send(new ListUsersCommand({ UserPoolId: stack.userPoolId }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    wrong.destroy();
  });

  it('serves its own key as the JWKS, and AppSync refuses a token signed with cognito-local’s published key', async () => {
    const user = await createUser('forged');
    const issuer = String(decodeJwt(user.accessToken).iss);
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const require = createRequire(import.meta.url);
    const published = JSON.parse(
      await readFile(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8'),
    ) as { jwk: JWK };
    expect(jwks.keys.map((key) => key.n)).not.toContain(published.jwk.n);

    const forged = await new SignJWT(decodeJwt(user.idToken))
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(await importJWK(published.jwk, 'RS256'));
    const query = JSON.stringify({ query: '{ listImages { items { id } } }' });
    const ask = (token: string) =>
      fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: query,
      });
    expect((await ask(user.idToken)).status).toBe(200);
    const refused = await ask(forged);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });
  });
});

describe('IAM on the stack', () => {
  const iam = new LocalIam(
    {
      credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
      accountId: '000000000000',
    },
    { bucketArn: '', tableArn: '', topicArn: '', graphqlApiArn: '', queueArn: '', stateMachineArn: '' },
  );
  const dynamodbAs = (functionName: string) =>
    new DynamoDBClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: iam.credentialsFor(functionName),
      maxAttempts: 1,
    });

  it('holds a function’s own credentials to its policy: deleteImage may read an item, signUrls may not, nobody may Scan', async () => {
    const Key = { owner: { S: 'nobody' }, id: { S: 'nothing' } };
    const deleteImage = dynamodbAs(functionSpecs.deleteImage.functionName);
    await expect(
      deleteImage.send(new GetItemCommand({ TableName: names.table, Key })),
    ).resolves.toBeDefined();
    await expect(deleteImage.send(new ScanCommand({ TableName: names.table }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    // signUrls holds no DynamoDB grant at all (inspect now reads items to find duplicates).
    const signUrls = dynamodbAs(functionSpecs.signUrls.functionName);
    const refused = await signUrls
      .send(new GetItemCommand({ TableName: names.table, Key }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'AccessDeniedException' });
    expect((refused as Error).message).toMatch(
      /not authorized to perform: dynamodb:GetItem on resource: "arn:aws:dynamodb:/,
    );
    deleteImage.destroy();
    signUrls.destroy();
  });

  it('lets only the functions granted appsync:GraphQL on publishImageProcessed call it with IAM', async () => {
    const query = `mutation ($owner: ID!, $id: ID!) { publishImageProcessed(owner: $owner, id: $id) { id } }`;
    const body = JSON.stringify({ query, variables: { owner: 'nobody', id: 'nothing' } });
    const callAs = async (functionName: string) => {
      const signed = await signedGraphqlRequest(stack.graphqlUrl, body, iam.credentialsFor(functionName));
      const response = await fetch(stack.graphqlUrl, { method: 'POST', headers: signed.headers, body });
      return (await response.json()) as { errors?: Array<{ errorType?: string; message: string }> };
    };
    const denied = await callAs(functionSpecs.inspect.functionName);
    expect(denied.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access publishImageProcessed on type Mutation',
    });
    const allowed = await callAs(functionSpecs.publish.functionName);
    expect(allowed.errors?.map((error) => error.errorType) ?? []).not.toContain('Unauthorized');
  });
});

describe('Lambda on the stack', () => {
  it('invokes $LATEST and the live alias every caller uses, and answers 404 for any other qualifier', async () => {
    // Prepare
    const { lambda } = clientsFor();
    const FunctionName = functionSpecs.sweeper.functionName;
    const dryRun = (qualified: { FunctionName: string; Qualifier?: string }) =>
      lambda.send(new InvokeCommand({ ...qualified, InvocationType: 'DryRun' })).catch((e: unknown) => e);

    // Act
    const accepted = await Promise.all([
      dryRun({ FunctionName }),
      dryRun({ FunctionName, Qualifier: liveAlias }),
      dryRun({ FunctionName: liveFunctionName(FunctionName) }),
      dryRun({ FunctionName, Qualifier: '$LATEST' }),
    ]);
    const refused = await Promise.all([
      dryRun({ FunctionName, Qualifier: 'prod' }),
      dryRun({ FunctionName: `${FunctionName}:7` }),
      lambda
        .send(new InvokeCommand({ FunctionName, Qualifier: 'prod', Payload: JSON.stringify({}) }))
        .catch((e: unknown) => e),
    ]);

    // Assess
    for (const answer of accepted) expect(answer).toMatchObject({ StatusCode: 204 });
    for (const answer of refused) {
      expect(answer).toMatchObject({
        name: 'ResourceNotFoundException',
        message: expect.stringMatching(
          new RegExp(`^Function not found: arn:aws:lambda:[^:]+:\\d{12}:function:${FunctionName}:(prod|7)$`),
        ),
        $metadata: { httpStatusCode: 404 },
      });
    }
    lambda.destroy();
  });
});
