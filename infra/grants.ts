/**
 * Least privilege, function by function: each role gets exactly the statements of
 * contracts/function-policies.ts (the local stack enforces the same ones), built here as CDK
 * statements. Explicit statements rather than `grantRead`/`grantReadWriteData`, whose action
 * wildcards (`s3:GetObject*`, `s3:List*`, …) grant more.
 */

import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { flow } from '../contracts/flow.ts';
import {
  functionPolicies,
  type PolicyArns,
  type PolicyStatementSpec,
  resourceArns,
} from '../contracts/function-policies.ts';
import type { FunctionId } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';

export { thumbnailsPattern, uploadsPattern } from '../contracts/function-policies.ts';

export interface GrantTargets {
  functions: Record<FunctionId, lambda.IFunction>;
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  topic: sns.ITopic;
  api: appsync.IGraphqlApi;
}

/** One policy statement of the contract, its resources resolved to this stack's ARNs. */
export function policyStatement(spec: PolicyStatementSpec, arns: PolicyArns): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [...spec.actions],
    resources: spec.resources.flatMap((resource) => resourceArns(resource, arns)),
    ...(spec.conditions ? { conditions: spec.conditions } : {}),
  });
}

/** Object actions on the keys under one prefix pattern (`uploads/*`). */
export function objectStatement(
  bucket: s3.IBucket,
  pattern: string,
  ...actions: string[]
): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(pattern)] });
}

/** Item operations on the base table only (no index). */
export function itemStatement(table: dynamodb.ITable, ...operations: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: operations.map((operation) => `dynamodb:${operation}`),
    resources: [table.tableArn],
  });
}

export function publishStatement(topic: sns.ITopic): iam.PolicyStatement {
  // The topic uses the AWS-managed SNS key, whose key policy already lets same-account publishers
  // use it through SNS: no kms:* statement is needed.
  return new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] });
}

export function grantFunctionAccess({ functions, table, bucket, topic, api }: GrantTargets): void {
  const stack = Stack.of(table);
  const arns: PolicyArns = {
    bucketArn: bucket.bucketArn,
    tableArn: table.tableArn,
    topicArn: topic.topicArn,
    graphqlApiArn: api.arn,
    // From the names, not the resources: the queue and the state machine are created after the
    // functions (the state machine invokes them), so a reference would be a cycle.
    stateMachineArn: stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: names.stateMachine,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    queueArn: stack.formatArn({ service: 'sqs', resource: flow.queueName }),
  };
  for (const [id, statements] of Object.entries(functionPolicies) as [FunctionId, PolicyStatementSpec[]][]) {
    for (const spec of statements) functions[id].addToRolePolicy(policyStatement(spec, arns));
  }
}
