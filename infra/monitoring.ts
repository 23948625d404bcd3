/**
 * Alarms that mean the platform is in trouble, and a dashboard of throughput, stage latency and
 * queues. Users' bad files are not trouble: a text file ends FAILED correctly and must page no one,
 * so no alarm counts image errors (inspect's refusals are subtracted from its error rate).
 * Every alarm is sent to the ops topic by the aspect in ops-alarms.ts.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionId, functionSpecs } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';

/** The metrics functions emit with Powertools (namespace `darkroom`, dimension `service`). */
export const powertoolsNamespace = 'darkroom';
export const itemsSweptMetric = {
  namespace: powertoolsNamespace,
  metricName: 'ItemsSwept',
  service: names.functions.sweeper,
} as const;
export const sweepErrorsMetric = { ...itemsSweptMetric, metricName: 'SweepErrors' } as const;
/** inspect counts each file it refuses: a user's bad file, not a platform error. */
export const imagesRefusedMetric = {
  namespace: powertoolsNamespace,
  metricName: 'ImagesRefused',
  service: names.functions.inspect,
} as const;
/**
 * The steps that read the image, and so fail on a bad one. With flow control each counts the image
 * errors it raised as `ImageErrors` (its service dimension); those are subtracted from its error
 * rate so that users' bad files never page anyone.
 */
export const imageSteps: readonly FunctionId[] = ['inspect', 'thumbnails', 'analyse', 'flag'];
export const imageErrorsMetricName = 'ImageErrors';

/** The Rekognition operations analyse calls, each with its own TPS quota. */
export const rekognitionOperations = ['DetectLabels', 'DetectFaces', 'DetectModerationLabels'] as const;

/** Thresholds, with why each is where it is. */
export const alarmThresholds = {
  /** % of invocations failing, in 3 of 5 one-minute periods: sustained, not one cold-start blip. */
  functionErrorRatePercent: 5,
  /** Throttled invocations in 5 minutes: a few are absorbed by retries, this many are not. */
  functionThrottles: 10,
  /** % of started executions that Fail: image errors end in Succeed, so Fail is the platform's. */
  executionsFailedPercent: 1,
  /** Rekognition throttles per operation in 5 minutes; analyse retries single throttles with backoff. */
  rekognitionThrottles: 20,
  /** p99 duration as a share of the function's timeout: above it, some invocations are about to time out. */
  durationShareOfTimeout: 0.8,
} as const;

export interface MonitoringProps {
  stateMachine: sfn.IStateMachine;
  /** Every function by id; in the cloud the `live` aliases, so alarms see what callers call. */
  functions: Record<FunctionId, lambda.IFunction>;
  /** The pipeline's steps in order, for the stage-latency widgets. */
  stages: readonly FunctionId[];
  /** Queues whose depth and age the dashboard shows. */
  queues: Record<string, sqs.IQueue>;
  /** Dead-letter queues: any message in one is an event the platform could not handle. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  imageProcessedTopic: sns.ITopic;
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The alarms a canary deployment of each function rolls back on: its error rate and throttles. */
  readonly rollbackAlarms = {} as Record<FunctionId, cloudwatch.IAlarm[]>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const fiveMinutes = Duration.minutes(5);
    const minute = Duration.minutes(1);
    const { stateMachine } = props;

    // Executions: a Fail is a platform failure, a timeout always is.
    const started = stateMachine.metricStarted({ period: minute, statistic: 'Sum' });
    const succeeded = stateMachine.metricSucceeded({ period: minute, statistic: 'Sum' });
    const failed = stateMachine.metricFailed({ period: minute, statistic: 'Sum' });
    const timedOut = stateMachine.metricTimedOut({ period: minute, statistic: 'Sum' });
    this.alarm('ExecutionsFailing', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(started > 0, 100 * FILL(failed, 0) / started, 0)',
        usingMetrics: {
          started: stateMachine.metricStarted({ period: fiveMinutes, statistic: 'Sum' }),
          failed: stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
        },
        label: 'failed executions (%)',
        period: fiveMinutes,
      }),
      threshold: alarmThresholds.executionsFailedPercent,
      description: `More than ${alarmThresholds.executionsFailedPercent}% of pipeline executions failed for platform reasons (image errors end in Succeed)`,
    });
    this.alarm('ExecutionsTimedOut', {
      metric: stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      description: 'A pipeline execution ran past its timeout: the sweeper will fail or re-drive the image',
    });
    this.alarm('ExecutionsThrottled', {
      metric: stateMachine.metricThrottled({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: alarmThresholds.functionThrottles,
      description:
        'Step Functions throttled StartExecution: raise the state transition or StartExecution quota',
    });

    // The sweeper: anything it had to rescue was lost by the pipeline; any error of it is ours.
    const sweeper = props.functions.sweeper;
    const powertools = (metric: { metricName: string; service: string }, period = fiveMinutes) =>
      new cloudwatch.Metric({
        namespace: powertoolsNamespace,
        metricName: metric.metricName,
        dimensionsMap: { service: metric.service },
        statistic: 'Sum',
        period,
      });
    const itemsSwept = powertools(itemsSweptMetric);
    this.alarm('ItemsSwept', {
      metric: itemsSwept,
      threshold: 1,
      description: 'The sweeper failed or re-drove images stuck in PROCESSING: the pipeline lost them',
    });
    const sweeperErrors = this.alarm('SweeperErrors', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(invocationErrors, 0) + FILL(sweepErrors, 0)',
        usingMetrics: {
          invocationErrors: sweeper.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          sweepErrors: powertools(sweepErrorsMetric),
        },
        label: 'sweeper errors',
        period: fiveMinutes,
      }),
      threshold: 1,
      description: 'The sweeper failed, or could not fail or re-drive some stuck images',
    });

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${title(name)}Depth`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
        threshold: 1,
        description: `${name}: messages are waiting in a dead-letter queue; inspect and redrive them`,
      });
    }

    for (const operation of rekognitionOperations) {
      this.alarm(`Rekognition${operation}Throttles`, {
        metric: rekognitionMetric('ThrottledCount', operation, fiveMinutes),
        threshold: alarmThresholds.rekognitionThrottles,
        description: `Rekognition ${operation} throttled analyse: raise its TPS quota (docs/capacity.md)`,
      });
    }

    this.alarm('ImageProcessedNotificationsFailed', {
      metric: props.imageProcessedTopic.metricNumberOfNotificationsFailed({
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      threshold: 1,
      description: 'SNS could not deliver image-processed notifications to a subscriber',
    });

    // Functions: error rate and throttles (the canary's rollback alarms), p99 near the timeout.
    const errorRates: cloudwatch.IMetric[] = [];
    for (const [functionId, fn] of Object.entries(props.functions) as [FunctionId, lambda.IFunction][]) {
      const prefix = title(functionId);
      const invocations = fn.metricInvocations({ period: minute, statistic: 'Sum' });
      const errors = fn.metricErrors({ period: minute, statistic: 'Sum' });
      // Metric ids must be unique within the dashboard's error-rate graph, hence the suffix.
      const [inv, err] = [`invocations_${functionId}`, `errors_${functionId}`];
      // What is subtracted: the step's image errors, and inspect's refusals (counted before flow control).
      const userErrors: Record<string, cloudwatch.IMetric> = {};
      if (imageSteps.includes(functionId)) {
        userErrors[`image_errors_${functionId}`] = powertools(
          { metricName: imageErrorsMetricName, service: functionSpecs[functionId].functionName },
          minute,
        );
      }
      if (functionId === 'inspect') userErrors.refused = powertools(imagesRefusedMetric, minute);
      const subtracted = Object.keys(userErrors)
        .map((id) => ` - FILL(${id}, 0)`)
        .join('');
      const errorRate = new cloudwatch.MathExpression({
        expression: `IF(${inv} > 0, 100 * (FILL(${err}, 0)${subtracted}) / ${inv}, 0)`,
        usingMetrics: { [inv]: invocations, [err]: errors, ...userErrors },
        label: `${functionId}: platform errors (%)`,
        period: minute,
      });
      errorRates.push(errorRate);
      const rateAlarm =
        functionId === 'sweeper'
          ? sweeperErrors // runs once per 5 minutes: a one-minute rate has too few points
          : this.alarm(`${prefix}ErrorRate`, {
              metric: errorRate,
              threshold: alarmThresholds.functionErrorRatePercent,
              evaluationPeriods: 5,
              datapointsToAlarm: 3,
              description: `${functionId}: more than ${alarmThresholds.functionErrorRatePercent}% of invocations failed`,
            });
      const throttleAlarm = this.alarm(`${prefix}Throttles`, {
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: alarmThresholds.functionThrottles,
        description: `${functionId}: invocations throttled (concurrency exhausted)`,
      });
      this.rollbackAlarms[functionId] = [rateAlarm, throttleAlarm];
      if (props.stages.includes(functionId)) {
        const timeoutMs = functionSpecs[functionId].timeoutSeconds * 1000;
        this.alarm(`${prefix}DurationP99`, {
          metric: fn.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
          threshold: timeoutMs * alarmThresholds.durationShareOfTimeout,
          description: `${functionId}: p99 duration above ${alarmThresholds.durationShareOfTimeout * 100}% of its timeout`,
        });
      }
    }

    const stageDurations = (statistic: string) =>
      props.stages.map((stage) =>
        props.functions[stage].metricDuration({ period: minute, statistic, label: stage }),
      );
    const executionTime = (statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName: 'ExecutionTime',
        dimensionsMap: { StateMachineArn: stateMachine.stateMachineArn },
        statistic,
        period: minute,
        label: `execution ${statistic}`,
      });
    const queues = Object.entries({ ...props.queues, ...props.deadLetterQueues });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: names.dashboard,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Throughput: pipeline executions per minute',
            left: [started, succeeded, failed, timedOut],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Throughput: images inspected, refused and reused (duplicates) per minute',
            left: [
              powertools({ metricName: 'ImagesInspected', service: names.functions.inspect }, minute),
              powertools(imagesRefusedMetric, minute),
              // A duplicate's analysis reused: three Rekognition calls not made.
              powertools({ metricName: 'AnalysesReused', service: names.functions.analyse }, minute),
            ],
            right: [itemsSwept],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Stage latency p50 (ms)',
            left: [...stageDurations('p50'), executionTime('p50')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Stage latency p99 (ms)',
            left: [...stageDurations('p99'), executionTime('p99')],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Queue depth (messages visible)',
            left: queues.map(([name, queue]) =>
              queue.metricApproximateNumberOfMessagesVisible({
                period: minute,
                statistic: 'Maximum',
                label: name,
              }),
            ),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Queue age (oldest message, s)',
            left: queues.map(([name, queue]) =>
              queue.metricApproximateAgeOfOldestMessage({
                period: minute,
                statistic: 'Maximum',
                label: name,
              }),
            ),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Rekognition throttles',
            left: rekognitionOperations.map((op) => rekognitionMetric('ThrottledCount', op, minute, op)),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Function error rates (%)', left: errorRates, width: 12 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }

  private alarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `darkroom-${id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }
}

function title(name: string): string {
  return `${name[0]?.toUpperCase()}${name.slice(1)}`;
}

/** A label makes CDK render an alarm's metric as a query: labels are for the dashboard only. */
function rekognitionMetric(
  metricName: string,
  operation: string,
  period: Duration,
  label?: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Rekognition',
    metricName,
    dimensionsMap: { Operation: operation },
    statistic: 'Sum',
    period,
    ...(label ? { label } : {}),
  });
}
