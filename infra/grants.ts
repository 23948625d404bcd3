/**
 * Least privilege, function by function: each gets exactly the object actions on the key prefixes,
 * the item operations on the table and the API field it uses. Explicit statements rather than
 * `grantRead`/`grantReadWriteData`, whose action wildcards (`s3:GetObject*`, `s3:List*`, …) grant more.
 */
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { FunctionId } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';

export const uploadsPattern = 'uploads/*';
export const thumbnailsPattern = 'thumbnails/*';
export const publishField = 'publishImageProcessed';

export interface GrantTargets {
  functions: Record<FunctionId, lambda.IFunction>;
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  topic: sns.ITopic;
  api: appsync.IGraphqlApi;
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

export function grantFunctionAccess({ functions: fn, table, bucket, topic, api }: GrantTargets): void {
  const allow = (target: lambda.IFunction, ...statements: iam.PolicyStatement[]) => {
    for (const statement of statements) target.addToRolePolicy(statement);
  };

  // Presigned POSTs and GETs are signed with the function's own credentials.
  allow(fn.createUpload, objectStatement(bucket, uploadsPattern, 's3:PutObject'));
  allow(fn.signUrls, objectStatement(bucket, thumbnailsPattern, 's3:GetObject'));

  allow(
    fn.deleteImage,
    // UpdateItem gives the stored bytes back; BatchWriteItem removes the label index items.
    itemStatement(table, 'GetItem', 'DeleteItem', 'UpdateItem', 'BatchWriteItem'),
    objectStatement(bucket, uploadsPattern, 's3:DeleteObject'),
    objectStatement(bucket, thumbnailsPattern, 's3:DeleteObject'),
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [uploadsPattern, thumbnailsPattern] } },
    }),
  );

  allow(fn.inspect, objectStatement(bucket, uploadsPattern, 's3:GetObject'));
  allow(
    fn.thumbnails,
    objectStatement(bucket, uploadsPattern, 's3:GetObject'),
    objectStatement(bucket, thumbnailsPattern, 's3:PutObject'),
  );
  allow(
    fn.analyse,
    // Rekognition reads the S3 object with the caller's permissions.
    objectStatement(bucket, uploadsPattern, 's3:GetObject'),
    new iam.PolicyStatement({
      actions: ['rekognition:DetectLabels', 'rekognition:DetectFaces', 'rekognition:DetectModerationLabels'],
      // The Detect* operations have no resource type: IAM accepts only '*' for them.
      resources: ['*'],
    }),
  );
  allow(
    fn.flag,
    objectStatement(bucket, uploadsPattern, 's3:GetObject'),
    objectStatement(bucket, thumbnailsPattern, 's3:PutObject'),
  );
  allow(
    fn.saveResult,
    // PutItem: the label index items, written in the result's transaction.
    itemStatement(table, 'GetItem', 'UpdateItem', 'PutItem'),
    // When the image was deleted meanwhile it removes the thumbnails it wrote.
    objectStatement(bucket, thumbnailsPattern, 's3:DeleteObject'),
  );
  allow(fn.markFailed, itemStatement(table, 'GetItem', 'UpdateItem'));

  api.grantMutation(fn.publish, publishField);

  // The sweeper reads the sparse byStatus index, fails stuck items, publishes and notifies.
  allow(
    fn.sweeper,
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${names.indexes.byStatus}`],
    }),
    itemStatement(table, 'GetItem', 'UpdateItem'),
    publishStatement(topic),
  );
  api.grantMutation(fn.sweeper, publishField);

  // dispatch marks an image FAILED at the retry limit and announces it. Its StartSyncExecution and
  // ChangeMessageVisibility grants name the state machine and the queue (infra/pipeline.ts).
  allow(fn.dispatch, itemStatement(table, 'UpdateItem'), publishStatement(topic));
  api.grantMutation(fn.dispatch, publishField);
}
