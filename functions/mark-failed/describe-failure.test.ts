import { describe, expect, it } from 'vitest';
import { describeFailure } from './describe-failure.ts';

/** A Catch output for an error thrown by a Node.js Lambda function, as Step Functions passes it on. */
function aLambdaCatch(errorType: string, errorMessage: string) {
  return {
    Error: errorType,
    Cause: JSON.stringify({
      errorType,
      errorMessage,
      trace: [`${errorType}: ${errorMessage}`, '    at inspectImage (/var/task/index.mjs:42:11)'],
    }),
  };
}

describe('describeFailure', () => {
  it("takes a Lambda error's type and message from its JSON Cause", () => {
    // Act
    const failure = describeFailure(aLambdaCatch('UnsupportedImage', 'not an image: detected text/plain'));

    // Assess
    expect(failure).toEqual({ code: 'UnsupportedImage', message: 'not an image: detected text/plain' });
  });

  it('uses the Error name and the Cause text for a service integration error', () => {
    // Prepare
    const caught = {
      Error: 'DynamoDB.ConditionalCheckFailedException',
      Cause: '  The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: X1)  ',
    };

    // Act
    const failure = describeFailure(caught);

    // Assess
    expect(failure).toEqual({
      code: 'DynamoDB.ConditionalCheckFailedException',
      message: 'The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: X1)',
    });
  });

  it('gives States.Timeout without a Cause a readable message', () => {
    // Act
    const failure = describeFailure({ Error: 'States.Timeout' });

    // Assess
    expect(failure).toEqual({ code: 'States.Timeout', message: 'A pipeline step timed out.' });
  });

  it('treats JSON that is not a Lambda error as plain text', () => {
    // Prepare
    const cause = '{"reason":"payload too large"}';

    // Act
    const failure = describeFailure({ Error: 'States.DataLimitExceeded', Cause: cause });

    // Assess
    expect(failure).toEqual({ code: 'States.DataLimitExceeded', message: cause });
  });

  it('treats a Cause that only looks like JSON as plain text', () => {
    // Act
    const failure = describeFailure({ Error: 'Lambda.Unknown', Cause: '{truncated output' });

    // Assess
    expect(failure).toEqual({ code: 'Lambda.Unknown', message: '{truncated output' });
  });

  it('cuts long messages to 500 characters', () => {
    // Prepare
    const long = `sharp: ${'Input buffer has corrupt header. '.repeat(40)}`;

    // Act
    const lambda = describeFailure(aLambdaCatch('CorruptImage', long));
    const plain = describeFailure({ Error: 'States.TaskFailed', Cause: long });

    // Assess
    expect(lambda.message).toHaveLength(500);
    expect(lambda.message.startsWith('sharp: Input buffer has corrupt header.')).toBe(true);
    expect(lambda.message.endsWith('…')).toBe(true);
    expect(plain.message).toHaveLength(500);
  });
});
