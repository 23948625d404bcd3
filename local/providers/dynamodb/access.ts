/**
 * The IAM actions and resources one DynamoDB call needs (Service Authorization Reference): the
 * operation on the table's ARN, or the index's when a Query/Scan names one; batch and transaction
 * calls need the single-item action on every table they touch.
 */
import type { AccessRequest } from '../../iam/local-iam.ts';

type Input = Record<string, unknown>;

const transactActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

function tableName(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function dynamodbAccess(
  operation: string,
  input: Input,
  tableArn: (tableName: string) => string,
): AccessRequest[] {
  const action = `dynamodb:${operation}`;
  switch (operation) {
    case 'ListTables':
      return [{ action, resource: '*' }];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Input | undefined) ?? {}).map((table) => ({
        action,
        resource: tableArn(table),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return ((input.TransactItems as Input[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).flatMap(([kind, body]) => {
          const itemAction = transactActions[kind];
          return itemAction
            ? [{ action: itemAction, resource: tableArn(tableName((body as Input).TableName)) }]
            : [];
        }),
      );
    default: {
      const table = tableArn(tableName(input.TableName));
      const index = typeof input.IndexName === 'string' ? `${table}/index/${input.IndexName}` : undefined;
      return [{ action, resource: index ?? table }];
    }
  }
}
