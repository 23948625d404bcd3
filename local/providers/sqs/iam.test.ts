import { ChangeMessageVisibilityCommand, CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../../contracts/function-specs.ts';
import { loadConfig } from '../../config.ts';
import { LocalIam } from '../../iam/local-iam.ts';
import { type SqsHarness, startSqsHarness } from './test-harness.ts';

const config = loadConfig({}, { dataDir: '/tmp/unused' });
const queueArn = 'arn:aws:sqs:us-east-1:000000000000:uploads';
const iam = new LocalIam(
  config,
  {
    bucketArn: 'arn:aws:s3:::b',
    tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Images',
    topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
    graphqlApiArn: 'arn:aws:appsync:us-east-1:000000000000:apis/local',
    queueArn,
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline',
  },
  {
    sweeper: [{ actions: ['sqs:ChangeMessageVisibility'], resources: [{ kind: 'queue' }] }],
    inspect: [],
  },
);
let harness: SqsHarness;

beforeAll(async () => {
  harness = await startSqsHarness({ authorizer: iam });
  await harness.client.send(new CreateQueueCommand({ QueueName: 'uploads' }));
});
afterAll(async () => harness?.close());

describe('SQS and IAM', () => {
  it('lets a function call an operation on the queue its policy names, and refuses one without the grant', async () => {
    const as = (functionName: string) =>
      new SQSClient({
        endpoint: harness.edge.url,
        region: 'us-east-1',
        credentials: iam.credentialsFor(functionName),
        maxAttempts: 1,
      });
    const input = {
      QueueUrl: `${harness.edge.url}/000000000000/uploads`,
      ReceiptHandle: 'none',
      VisibilityTimeout: 5,
    };
    const granted = as(functionSpecs.sweeper.functionName);
    // Past IAM, the provider judges the receipt handle itself.
    await expect(granted.send(new ChangeMessageVisibilityCommand(input))).rejects.not.toMatchObject({
      name: 'AccessDeniedException',
    });
    const refused = as(functionSpecs.inspect.functionName);
    await expect(refused.send(new ChangeMessageVisibilityCommand(input))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`sqs:ChangeMessageVisibility on resource: "${queueArn}"`),
    });
    granted.destroy();
    refused.destroy();
  });
});
