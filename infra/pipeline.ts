/**
 * The processing pipeline in the cloud: the Express state machine defined by pipeline.asl.json,
 * the flow control in front of it (contracts/flow.ts) — the EventBridge rule sends each upload to a
 * durable SQS queue (with its own DLQ), an event source mapping with bounded concurrency invokes
 * `dispatch`, which runs the workflow synchronously — and the sweeper's schedule.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { flow } from '../contracts/flow.ts';
import { limits, names } from '../contracts/names.ts';
import { loadPipelineDefinition } from '../contracts/pipeline-definition.ts';
import { uploadCreatedPattern } from '../contracts/upload-rule.ts';
import { itemStatement, objectStatement, uploadsPattern } from './grants.ts';

/** Versions of an original deleted because another version's event claimed the image. */
export const supersededVersionsMetric = {
  namespace: 'darkroom',
  metricName: 'SupersededVersionsDeleted',
  state: 'SupersededVersionDeleted',
} as const;

/** The functions the state machine invokes, by their substitution name in the definition. */
export interface PipelineFunctions {
  inspect: lambda.IFunction;
  thumbnails: lambda.IFunction;
  analyse: lambda.IFunction;
  flag: lambda.IFunction;
  saveResult: lambda.IFunction;
  markFailed: lambda.IFunction;
  publish: lambda.IFunction;
  /** A moderator's approval: unblurred renditions from the quarantined original (contracts/review.ts). */
  approve: lambda.IFunction;
}

export interface PipelineProps {
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  topic: sns.ITopic;
  functions: PipelineFunctions;
  sweeper: lambda.IFunction;
  /** The queue consumer that runs the workflow (StartSyncExecution). */
  dispatch: lambda.IFunction;
}

export class Pipeline extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly rule: events.Rule;
  /** Where the rule puts an event it could not deliver to the queue. */
  readonly deadLetterQueue: sqs.Queue;
  /** The durable buffer between uploads and the workflow. */
  readonly uploadQueue: sqs.Queue;
  /** Messages that outlasted every retry; redriven with StartMessageMoveTask (README). */
  readonly uploadDeadLetterQueue: sqs.Queue;
  readonly uploadDeadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { table, bucket, functions: fn } = props;

    const definition = loadPipelineDefinition({
      TableName: table.tableName,
      BucketName: bucket.bucketName,
      InspectFunctionArn: fn.inspect.functionArn,
      ThumbnailsFunctionArn: fn.thumbnails.functionArn,
      AnalyseFunctionArn: fn.analyse.functionArn,
      FlagFunctionArn: fn.flag.functionArn,
      SaveResultFunctionArn: fn.saveResult.functionArn,
      MarkFailedFunctionArn: fn.markFailed.functionArn,
      PublishFunctionArn: fn.publish.functionArn,
      ApproveFunctionArn: fn.approve.functionArn,
    });

    // A string definition carries its own timeout (CDK's `timeout` prop only applies to chains):
    // hold it to the one the sweeper assumes.
    const { TimeoutSeconds } = JSON.parse(definition) as { TimeoutSeconds?: number };
    if (TimeoutSeconds !== limits.pipelineTimeoutSeconds) {
      throw new Error(
        `pipeline.asl.json TimeoutSeconds is ${TimeoutSeconds}, limits.pipelineTimeoutSeconds is ${limits.pipelineTimeoutSeconds}`,
      );
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      // Step Functions wants the /aws/vendedlogs/ prefix to keep the resource policy small.
      logGroupName: `/aws/vendedlogs/states/${names.stateMachine}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A reused upload ticket's extra version ends in this Succeed state: count them from the log
    // (Step Functions has no per-state metric, and a Lambda only to count would add a hop).
    new logs.MetricFilter(this, 'SupersededVersions', {
      logGroup,
      metricNamespace: supersededVersionsMetric.namespace,
      metricName: supersededVersionsMetric.metricName,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.type', '=', 'SucceedStateEntered'),
        logs.FilterPattern.stringValue('$.details.name', '=', supersededVersionsMetric.state),
      ),
      metricValue: '1',
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: names.stateMachine,
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(definition),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // The definition is a string, so CDK cannot infer what it calls: grant each call explicitly.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(fn).map((f) => f.functionArn),
      }),
    );
    this.stateMachine.addToRolePolicy(itemStatement(table, 'UpdateItem', 'GetItem'));
    // No sns:Publish: the publish function announces (AppSync and SNS) and records it.
    // An upload with no PENDING item is an orphan: the pipeline deletes it.
    this.stateMachine.addToRolePolicy(objectStatement(bucket, uploadsPattern, 's3:DeleteObject'));

    this.deadLetterQueue = new sqs.Queue(this, 'RuleDlq', {
      queueName: names.dlq,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // SQS-managed encryption: EventBridge cannot deliver to a queue encrypted with the aws/sqs key.
    const retentionPeriod = Duration.seconds(flow.retentionSeconds);
    this.uploadDeadLetterQueue = new sqs.Queue(this, 'UploadDlq', {
      queueName: flow.deadLetterQueueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
    });
    this.uploadQueue = new sqs.Queue(this, 'UploadQueue', {
      queueName: flow.queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
      visibilityTimeout: Duration.seconds(flow.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.uploadDeadLetterQueue, maxReceiveCount: flow.maxReceiveCount },
    });

    this.rule = new events.Rule(this, 'UploadCreated', {
      ruleName: names.rule,
      description: 'Queues each original uploaded under uploads/ for the pipeline',
      eventPattern: uploadCreatedPattern(bucket.bucketName),
      targets: [
        new targets.SqsQueue(this.uploadQueue, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    // Batch size 1 and MaximumConcurrency (not reserved concurrency, whose throttles would count
    // as receives and push messages to the DLQ early) bound the executions in flight.
    props.dispatch.addEventSource(
      new lambdaEventSources.SqsEventSource(this.uploadQueue, {
        batchSize: flow.batchSize,
        maxConcurrency: flow.maximumConcurrency,
        reportBatchItemFailures: flow.reportBatchItemFailures,
      }),
    );
    // dispatch's own grants (StartSyncExecution on this state machine only, …) are in
    // contracts/function-policies.ts; the event source grants the queue's consume actions.

    // Every message here is an image that outlasted all retries (FAILED ServiceUnavailable).
    this.uploadDeadLetterAlarm = new cloudwatch.Alarm(this, 'UploadDlqDepth', {
      alarmName: 'darkroom-upload-dlq-depth',
      alarmDescription:
        'Uploads outlasted every platform retry; fix the cause, then redrive (README: aws sqs start-message-move-task)',
      metric: this.uploadDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // The sweeper catches what Catch cannot see: Express timeouts and failures inside the Catch path.
    new events.Rule(this, 'SweeperSchedule', {
      description: 'Fails or re-drives images stuck in PROCESSING',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(props.sweeper, { retryAttempts: 2 })],
    });
  }
}
