/**
 * Bodies that each provider once turned into a TypeError, an unhandled 500 or DynamoDB Local's
 * InternalFailure: every one is now refused at the boundary with a 4xx and the code the service
 * answers with, and the stack stays healthy.
 */
import { describe, expect, it } from 'vitest';
import { request, signed } from './raw-requests.ts';

const json = (target: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target });

const cases: Array<{ name: string; send: () => ReturnType<typeof request>; code: string }> = [
  {
    name: 'DynamoDB: a null body',
    send: () => signed('dynamodb', 'POST', '/', {}, json('DynamoDB_20120810.GetItem'), 'null'),
    code: 'SerializationException',
  },
  {
    name: 'DynamoDB: a TableName that is an object',
    send: () => signed('dynamodb', 'POST', '/', {}, json('DynamoDB_20120810.GetItem'), '{"TableName":{}}'),
    code: 'SerializationException',
  },
  {
    name: 'DynamoDB: an AttributeValue with no type',
    send: () =>
      signed(
        'dynamodb',
        'POST',
        '/',
        {},
        json('DynamoDB_20120810.GetItem'),
        '{"TableName":"Images","Key":{"owner":{}}}',
      ),
    code: 'SerializationException',
  },
  {
    name: 'Cognito: an operation the user pool does not know',
    send: () =>
      request('/', { method: 'POST', headers: json('AWSCognitoIdentityProviderService.Nope'), body: '{}' }),
    code: 'UnknownOperationException',
  },
  {
    name: 'Cognito: a body that is not an object',
    send: () =>
      request('/', {
        method: 'POST',
        headers: json('AWSCognitoIdentityProviderService.InitiateAuth'),
        body: '[1]',
      }),
    code: 'SerializationException',
  },
  {
    name: 'EventBridge: a null body',
    send: () => signed('events', 'POST', '/', {}, json('AWSEvents.PutEvents'), 'null'),
    code: 'SerializationException',
  },
  {
    name: 'EventBridge: Entries that are not a list',
    send: () => signed('events', 'POST', '/', {}, json('AWSEvents.PutEvents'), '{"Entries":"x"}'),
    code: 'ValidationException',
  },
  {
    name: 'Rekognition: a null body',
    send: () => signed('rekognition', 'POST', '/', {}, json('RekognitionService.DetectLabels'), 'null'),
    code: 'SerializationException',
  },
  {
    name: 'Step Functions: a null body',
    send: () => signed('states', 'POST', '/', {}, json('AWSStepFunctions.StartExecution'), 'null'),
    code: 'SerializationException',
  },
  {
    name: 'Lambda: a function name that is not percent-encoding',
    send: () => signed('lambda', 'POST', '/2015-03-31/functions/%ZZ/invocations', {}, {}, '{}'),
    code: 'InvalidParameterValueException',
  },
];

describe('malformed bodies at every provider', () => {
  it.each(cases)('$name → 4xx $code', async ({ send, code }) => {
    const answer = await send();

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(`${answer.errorType} ${answer.text}`).toContain(code);
    expect((await request('/_darkroom/health', { method: 'GET' })).status).toBe(200);
  });
});
