import { describe, expect, it } from 'vitest';
import { functionPolicies, resourceArns } from '../../../contracts/function-policies.ts';
import { isAllowed } from '../../iam/policy-evaluation.ts';
import { dynamodbAccess } from './access.ts';

const tableArn = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
const arns = {
  bucketArn: 'arn:aws:s3:::b',
  tableArn: tableArn('Images'),
  topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
  graphqlApiArn: 'arn:aws:appsync:us-east-1:000000000000:apis/local',
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline',
};

describe('DynamoDB IAM mapping', () => {
  it('authorises a Query on an index against the index ARN, not the table', () => {
    expect(dynamodbAccess('Query', { TableName: 'Images', IndexName: 'byStatus' }, tableArn)).toEqual([
      { action: 'dynamodb:Query', resource: `${tableArn('Images')}/index/byStatus` },
    ]);
    const sweeper = functionPolicies.sweeper.map((statement) => ({
      ...statement,
      resources: statement.resources.flatMap((resource) => resourceArns(resource, arns)),
    }));
    const [byStatus] = dynamodbAccess('Query', { TableName: 'Images', IndexName: 'byStatus' }, tableArn);
    const [onTable] = dynamodbAccess('Query', { TableName: 'Images' }, tableArn);
    expect(byStatus && isAllowed(sweeper, byStatus)).toBe(true);
    expect(onTable && isAllowed(sweeper, onTable)).toBe(false);
  });

  it('needs the single-item action on every table a transaction or batch touches', () => {
    expect(
      dynamodbAccess(
        'TransactWriteItems',
        { TransactItems: [{ Put: { TableName: 'Images' } }, { ConditionCheck: { TableName: 'Quotas' } }] },
        tableArn,
      ),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: tableArn('Images') },
      { action: 'dynamodb:ConditionCheckItem', resource: tableArn('Quotas') },
    ]);
    expect(dynamodbAccess('BatchGetItem', { RequestItems: { Images: {}, Quotas: {} } }, tableArn)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: tableArn('Images') },
      { action: 'dynamodb:BatchGetItem', resource: tableArn('Quotas') },
    ]);
  });
});
