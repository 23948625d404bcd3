/**
 * Random and malformed input (fast-check, fixed seed) on every surface of the shared stack:
 * real-time frames, GraphQL bodies, S3 REST requests and POST forms, DynamoDB and Cognito JSON,
 * the admin API. Every request is answered below 500 within its timeout, every socket error is a
 * protocol answer, and `GET /_darkroom/health` stays 200 throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { names } from '../../contracts/names.ts';
import { type Answer, request, signed } from './raw-requests.ts';
import { stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

const seed = 20261201;
// CI runs 100 per surface (a few seconds); DARKROOM_FUZZ_RUNS digs deeper by hand.
const numRuns = Number(process.env.DARKROOM_FUZZ_RUNS ?? 100);

let user: TestUser;

beforeAll(async () => {
  user = await createUser('fuzz');
});

afterAll(async () => {
  // A fuzzed PUT /_darkroom/faults may have set faults; later tests must not meet them.
  await fetch(`${stackInfo().url}/_darkroom/faults`, { method: 'DELETE' });
});

async function expectHealthy(): Promise<void> {
  const health = await request('/_darkroom/health', { method: 'GET' });
  expect(health.status).toBe(200);
}

function expectNoServerError(answer: Answer, what: string): void {
  if (answer.status >= 500)
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}

/**
 * S3's own 501 NotImplemented names a feature the stand-in lacks (multipart uploads): a
 * deliberate, documented answer, not a failure (a HEAD carries no body to show the code).
 */
function expectS3Answer(answer: Answer, method: string, what: string): void {
  if (answer.status === 501 && (method === 'HEAD' || answer.text.includes('<Code>NotImplemented</Code>')))
    return;
  expectNoServerError(answer, what);
}

/** JSON-ish text: valid JSON of any shape, near-JSON, or noise. */
const jsonText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value).slice(0, -1)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('null', '[]', '{}', '""', '0', 'true', '{"a":', '\u0000', '{"__proto__":{"x":1}}'),
);
const objectOf = (keys: string[]) =>
  fc.dictionary(
    fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })),
    fc.jsonValue({ maxDepth: 3 }),
    {
      maxKeys: 6,
    },
  );

describe('fuzzing every surface of the stack', () => {
  it('GraphQL bodies', async () => {
    const query = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '{ listImages { items { id } } }',
        'query { getImage(id: 1) { id thumbnails { url } } }',
        'mutation { requestUpload(input: {}) { url } }',
        'subscription { onImageProcessed { id } }',
        '{ __schema { types { name } } }',
        '{ getImage(id: "x") { ...F } } fragment F on Image { ...F }',
        '{{{{{{',
      ),
    );
    const body = fc.oneof(
      jsonText,
      fc
        .record({ query, variables: fc.jsonValue({ maxDepth: 3 }), operationName: fc.option(fc.string()) })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, authorized) => {
        const answer = await request('/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorized ? { authorization: user.accessToken } : {}),
          },
          body: text,
        });
        expectNoServerError(answer, `POST /graphql ${text.slice(0, 80)}`);
      }),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('real-time frames', async () => {
    const frame = fc.oneof(
      jsonText,
      fc
        .record({
          type: fc.constantFrom('connection_init', 'start', 'stop', 'ka', 'data', 'x'),
          id: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { nil: undefined }),
          payload: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.record({
              data: fc.oneof(jsonText, fc.jsonValue({ maxDepth: 2 })),
              extensions: fc.oneof(
                fc.jsonValue({ maxDepth: 2 }),
                fc.constant({ authorization: { Authorization: 'x', host: 'h' } }),
              ),
            }),
          ),
        })
        .map((value) => JSON.stringify(value)),
    );
    const target = `${stackInfo().url.replace(/^http/, 'ws')}/graphql/realtime`;
    const header = Buffer.from(JSON.stringify({ Authorization: user.accessToken, host: 'x' })).toString(
      'base64url',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        const socket = new WebSocket(target, ['graphql-ws', `header-${header}`]);
        const closed = new Promise<number>((resolve) => socket.once('close', resolve));
        socket.on('error', () => {});
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        for (const text of frames) socket.send(text);
        // A frame that reaches the server after these has been answered after them (one socket, in order).
        const answered = new Promise<void>((resolve) =>
          socket.on('message', (raw) => {
            if (raw.toString().includes('"fuzz-end"')) resolve();
          }),
        );
        socket.send(JSON.stringify({ type: 'stop', id: 'fuzz-end' }));
        const code = await Promise.race([answered.then(() => 0), closed]);
        socket.terminate();
        // 1011 = the server failed on this connection: a frame it should have refused.
        expect(code === 0 || code === 1000).toBe(true);
      }),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('S3 REST requests, signed and not', async () => {
    const key = fc.oneof(
      fc.string({ maxLength: 40 }).map((text) => `fuzz/${encodeURIComponent(text)}`),
      fc.constantFrom('fuzz/%', 'fuzz/..%2F..', 'fuzz/a?b', 'fuzz/%00', `fuzz/${'k'.repeat(1100)}`),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'uploads',
        'uploadId',
        'partNumber',
        'list-type',
        'max-keys',
        'prefix',
        'versionId',
        'tagging',
        'x',
      ),
      fc.string({ maxLength: 12 }),
      { maxKeys: 3 },
    );
    const headers = fc.dictionary(
      fc.constantFrom(
        'content-type',
        'content-md5',
        'x-amz-content-sha256',
        'range',
        'x-amz-copy-source',
        'if-match',
      ),
      fc.string({ maxLength: 30 }).filter((value) => /^[\x20-\x7e]*$/.test(value)),
      { maxKeys: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST'),
        fc.oneof(
          key.map((k) => `/${names.localBucket}/${k}`),
          fc.string({ maxLength: 20 }).map((b) => `/fuzz-${encodeURIComponent(b)}/k`),
        ),
        query,
        headers,
        fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        fc.boolean(),
        async (method, path, search, extra, body, sign) => {
          const sendBody = method === 'GET' || method === 'HEAD' ? undefined : body;
          const answer = sign
            ? await signed('s3', method, path, search, extra, sendBody)
            : await request(`${path}?${new URLSearchParams(search)}`, {
                method,
                headers: extra,
                ...(sendBody === undefined ? {} : { body: sendBody }),
              });
          expectS3Answer(answer, method, `${method} ${path}`);
        },
      ),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('S3 POST forms', async () => {
    const field = fc.constantFrom(
      'key',
      'policy',
      'x-amz-signature',
      'x-amz-credential',
      'x-amz-algorithm',
      'x-amz-date',
      'Content-Type',
      'success_action_status',
      'bucket',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(field, fc.string({ maxLength: 80 })), { maxLength: 8 }),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        fc.boolean(),
        async (fields, file, raw) => {
          let answer: Answer;
          if (raw) {
            // A body that claims to be multipart and is not.
            answer = await request(`/${names.localBucket}`, {
              method: 'POST',
              headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
              body: `--xyz\r\n${fields.map(([name, value]) => `${name}: ${value}`).join('\r\n')}${file ?? ''}`,
            });
          } else {
            const form = new FormData();
            for (const [name, value] of fields) form.append(name, value);
            if (file !== undefined) form.append('file', new Blob([file]), 'f.jpg');
            answer = await request(`/${names.localBucket}`, { method: 'POST', body: form });
          }
          expectNoServerError(answer, `POST form ${JSON.stringify(fields).slice(0, 120)}`);
        },
      ),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('DynamoDB JSON', async () => {
    const operation = fc.constantFrom(
      'GetItem',
      'PutItem',
      'Query',
      'Scan',
      'UpdateItem',
      'BatchGetItem',
      'DescribeTable',
      'ListTables',
      'TransactGetItems',
      'Nope',
    );
    const body = fc.oneof(
      jsonText,
      objectOf([
        'TableName',
        'Key',
        'Item',
        'KeyConditionExpression',
        'ExpressionAttributeValues',
        'Limit',
      ]).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(operation, body, async (op, text) => {
        const answer = await signed(
          'dynamodb',
          'POST',
          '/',
          {},
          { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${op}` },
          text,
        );
        expectNoServerError(answer, `DynamoDB ${op} ${text.slice(0, 80)}`);
      }),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('Cognito JSON', async () => {
    const operation = fc.constantFrom(
      'InitiateAuth',
      'SignUp',
      'ConfirmSignUp',
      'GetUser',
      'RespondToAuthChallenge',
      'ForgotPassword',
      'GetTokensFromRefreshToken',
      'ListUsers',
      'Nope',
    );
    const body = fc.oneof(
      jsonText,
      objectOf([
        'ClientId',
        'AuthFlow',
        'AuthParameters',
        'Username',
        'Password',
        'AccessToken',
        'UserPoolId',
      ]).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(operation, body, async (op, text) => {
        const answer = await request('/', {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `AWSCognitoIdentityProviderService.${op}`,
          },
          body: text,
        });
        expectNoServerError(answer, `Cognito ${op} ${text.slice(0, 80)}`);
      }),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('Step Functions, EventBridge, Rekognition, SNS and Lambda requests', async () => {
    const call = fc.oneof(
      fc.record({
        service: fc.constant('states'),
        target: fc.constantFrom(
          'AWSStepFunctions.StartExecution',
          'AWSStepFunctions.DescribeExecution',
          'AWSStepFunctions.ListExecutions',
          'AWSStepFunctions.Nope',
        ),
        path: fc.constant('/'),
      }),
      fc.record({
        service: fc.constant('events'),
        target: fc.constantFrom('AWSEvents.PutEvents', 'AWSEvents.Nope'),
        path: fc.constant('/'),
      }),
      fc.record({
        service: fc.constant('rekognition'),
        target: fc.constantFrom(
          'RekognitionService.DetectLabels',
          'RekognitionService.DetectFaces',
          'RekognitionService.DetectModerationLabels',
          'RekognitionService.Nope',
        ),
        path: fc.constant('/'),
      }),
      fc.record({ service: fc.constant('sns'), target: fc.constant(''), path: fc.constant('/') }),
      fc.record({
        service: fc.constant('lambda'),
        target: fc.constant(''),
        path: fc.constantFrom(
          '/2015-03-31/functions/nope/invocations',
          '/2015-03-31/functions/%ZZ/invocations',
          '/x',
        ),
      }),
    );
    const body = fc.oneof(
      jsonText,
      objectOf([
        'stateMachineArn',
        'input',
        'executionArn',
        'Entries',
        'Image',
        'MinConfidence',
        'MaxLabels',
      ]).map((value) => JSON.stringify(value)),
      fc
        .dictionary(
          fc.constantFrom(
            'Action',
            'TopicArn',
            'Message',
            'MessageAttributes.entry.1.Name',
            'MessageAttributes.entry.1.Value.DataType',
          ),
          fc.constantFrom('Publish', 'CreateTopic', 'ListTopics', '', 'x', '%%'),
        )
        .map((form) => new URLSearchParams(form).toString()),
    );
    await fc.assert(
      fc.asyncProperty(call, body, async ({ service, target, path }, text) => {
        const answer = await signed(
          service,
          'POST',
          path,
          {},
          {
            'content-type':
              service === 'sns' ? 'application/x-www-form-urlencoded' : 'application/x-amz-json-1.1',
            ...(target ? { 'x-amz-target': target } : {}),
          },
          text,
        );
        expectNoServerError(answer, `${service} ${target || path} ${text.slice(0, 80)}`);
      }),
      { seed, numRuns },
    );
    await expectHealthy();
  });

  it('the admin API', async () => {
    const route = fc.oneof(
      fc.constantFrom(
        '/_darkroom/faults',
        '/_darkroom/health',
        '/_darkroom/executions',
        '/_darkroom/sns/messages',
      ),
      fc.string({ maxLength: 30 }).map((text) => `/_darkroom/${encodeURIComponent(text)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'),
        route,
        jsonText,
        async (method, path, text) => {
          const answer = await request(path, {
            method,
            headers: { 'content-type': 'application/json' },
            ...(method === 'GET' ? {} : { body: text }),
          });
          expectNoServerError(answer, `${method} ${path} ${text.slice(0, 80)}`);
        },
      ),
      { seed, numRuns },
    );
    await expectHealthy();
  });
});
