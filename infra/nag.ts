/**
 * cdk-nag findings we reviewed and accept, each acknowledged on the narrowest construct with its
 * reason. Any other finding fails synth (cdk-nag runs as a validation plugin, see create-app.ts).
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { names } from '../contracts/names.ts';
import type { DarkroomStack } from './stack.ts';

const lambdaBasicExecution =
  'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const appSyncPushToCloudWatch =
  'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs';

/** The construct id of aws-cdk-lib's LogRetention singleton Lambda (fixed in aws-logs). */
const logRetentionSingletonId = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${finding}`, reason });
}

/** `<LogicalId.Arn>`, the way cdk-nag spells a Fn::GetAtt Arn inside a finding. */
function arnRef(resource: IConstruct): string {
  const element = resource.node.defaultChild as CfnElement;
  return `<${Stack.of(resource).getLogicalId(element)}.Arn>`;
}

export function suppressReviewedFindings(stack: DarkroomStack): void {
  const { storage, auth, api, functions, pipeline, deployments, cdn } = stack;
  const bucketArn = arnRef(storage.bucket);

  acknowledge(
    stack,
    `IAM4[${lambdaBasicExecution}]`,
    'AWSLambdaBasicExecutionRole only allows creating log streams and putting log events: the least a Lambda function needs to log.',
  );
  acknowledge(
    api.graphqlApi,
    `IAM4[${appSyncPushToCloudWatch}]`,
    'The AppSync logging role: AWSAppSyncPushToCloudWatchLogs only allows writing the API its own logs.',
  );

  // Function roles: object access is scoped to one key prefix, the only way to scope S3 objects.
  for (const prefix of ['uploads/*', 'thumbnails/*', 'quarantine/*']) {
    acknowledge(
      functions,
      `IAM5[Resource::${bucketArn}/${prefix}]`,
      `Object actions are scoped to the ${prefix} key prefix of the images bucket, which holds one object per image and size.`,
    );
  }
  acknowledge(
    functions,
    'IAM5[Resource::*]',
    "X-Ray's PutTraceSegments/PutTelemetryRecords (active tracing) and Rekognition's Detect* operations have no resource type: IAM accepts only '*' for them.",
  );

  acknowledge(
    pipeline.stateMachine,
    `IAM5[Resource::${bucketArn}/uploads/*]`,
    'The pipeline deletes orphan originals: s3:DeleteObject only, scoped to the uploads/ prefix.',
  );
  acknowledge(
    pipeline.stateMachine,
    'IAM5[Resource::*]',
    "X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) have no resource type: IAM accepts only '*' for them.",
  );

  // The Lambda data sources invoke the `live` aliases by their exact ARNs: no wildcard to acknowledge.
  acknowledge(
    api.graphqlApi,
    `IAM5[Resource::${arnRef(storage.table)}/index/*]`,
    "The images data source queries the Images table's own indexes (byOwnerStatus for listImages); index/* names no other table.",
  );

  // GraphqlApi always sets its log group's retention through CDK's LogRetention singleton.
  const logRetention = stack.node.tryFindChild(logRetentionSingletonId);
  if (logRetention) {
    acknowledge(
      logRetention,
      'IAM5[Resource::*]',
      "CDK's log-retention handler sets retention on log groups named at deploy time (the AppSync API's); logs:PutRetentionPolicy is all it may do.",
    );
  }

  acknowledge(
    deployments.role,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    'The CodeDeploy service role for Lambda: it may only read and update aliases, invoke CodeDeployHook_* functions and publish to CodeDeployTopic_* topics.',
  );
  acknowledge(
    deployments.role,
    `IAM5[Resource::${arnRef(deployments.preTrafficHook)}:*]`,
    "CodeDeploy may invoke the one pre-traffic hook function; ':*' covers its versions (CDK's grantInvoke).",
  );
  acknowledge(
    deployments.preTrafficHook,
    `IAM5[Resource::arn:<AWS::Partition>:codedeploy:<AWS::Region>:<AWS::AccountId>:deploymentgroup:${names.codeDeployApplication}/*]`,
    "GetDeployment on the darkroom application's own deployment groups: the groups name the hook, so naming them back by ARN would be a cycle.",
  );
  acknowledge(
    deployments.preTrafficHook,
    'IAM5[Resource::*]',
    "X-Ray's PutTraceSegments/PutTelemetryRecords (active tracing) have no resource type: IAM accepts only '*' for them.",
  );

  acknowledge(
    cdn.distribution,
    'CFR4',
    'The distribution has no custom domain, so it uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes (TLSv1): TLS 1.2 can only be enforced with a custom domain and certificate.',
  );
  acknowledge(
    cdn.distribution,
    'CFR1',
    'Thumbnails are served only to their owners, through URLs signed for them, wherever they are: there is no country to deny.',
  );
  acknowledge(
    cdn.distribution,
    'CFR2',
    'Every request needs a URL signed by the key group, checked at the edge before the origin; a CLOUDFRONT-scoped web ACL must live in us-east-1, which this region-agnostic stack cannot create. The API, where users act, has WAF.',
  );
  acknowledge(
    cdn.privateKey,
    'SMG4',
    'The secret is a CloudFront key pair: it rotates by adding a new public key to the key group and then replacing this secret, which a Secrets Manager rotation function cannot do.',
  );
  Validations.of(cdn.distribution).acknowledge({
    id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
    reason:
      'Intended: the origin is an imported view of the images bucket so that CDK adds no bucket-wide grant; infra/cdn.ts grants the distribution s3:GetObject on thumbnails/* only.',
  });

  acknowledge(
    auth.userPool,
    'COG2',
    'MFA is optional (TOTP offered): self sign-up users and scripted clients sign in with a password; moderators can be required to enrol.',
  );
  acknowledge(
    auth.userPool,
    'COG8',
    'The Essentials tier: threat protection (Plus tier) is billed per active user and is a production decision, not a default for every deployment.',
  );
  acknowledge(
    pipeline.deadLetterQueue,
    'SQS3',
    'This queue IS a dead-letter queue: the one of the upload rule target.',
  );
}
