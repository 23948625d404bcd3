/** The stack's output keys, as they appear in `cdk deploy --outputs-file` under the stack's name. */
export const outputKeys = {
  graphqlUrl: 'GraphqlUrl',
  region: 'Region',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  bucketName: 'BucketName',
  tableName: 'TableName',
  topicArn: 'TopicArn',
} as const;

export type OutputName = keyof typeof outputKeys;
