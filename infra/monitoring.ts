/**
 * Alarms and a dashboard for the pipeline: failed executions, Lambda errors, throttles and p99
 * duration per pipeline function, and the images the sweeper had to rescue.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { names } from '../contracts/names.ts';

/** The metric the sweeper emits with Powertools (namespace and service dimension). */
export const itemsSweptMetric = {
  namespace: 'darkroom',
  metricName: 'ItemsSwept',
  service: names.functions.sweeper,
} as const;

export interface MonitoringProps {
  stateMachine: sfn.StateMachine;
  /** Pipeline functions by a short name used in alarm and widget titles. */
  pipelineFunctions: Record<string, lambda.Function>;
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);

    const executionsFailed = props.stateMachine.metricFailed({ period, statistic: 'Sum' });
    this.alarm('ExecutionsFailed', executionsFailed, 1, 'A pipeline execution failed');
    const executionsTimedOut = props.stateMachine.metricTimedOut({ period, statistic: 'Sum' });
    this.alarm('ExecutionsTimedOut', executionsTimedOut, 1, 'A pipeline execution timed out');

    const itemsSwept = new cloudwatch.Metric({
      namespace: itemsSweptMetric.namespace,
      metricName: itemsSweptMetric.metricName,
      dimensionsMap: { service: itemsSweptMetric.service },
      statistic: 'Sum',
      period,
    });
    // A swept item is one the pipeline lost: any at all deserves a look.
    this.alarm('ItemsSwept', itemsSwept, 1, 'The sweeper failed images stuck in PROCESSING');

    const functionWidgets: cloudwatch.IWidget[] = [];
    for (const [name, fn] of Object.entries(props.pipelineFunctions)) {
      const errors = fn.metricErrors({ period, statistic: 'Sum' });
      const throttles = fn.metricThrottles({ period, statistic: 'Sum' });
      const p99 = fn.metricDuration({ period, statistic: 'p99' });
      const title = name[0]?.toUpperCase() + name.slice(1);
      this.alarm(`${title}Errors`, errors, 1, `${name}: invocation errors`);
      this.alarm(`${title}Throttles`, throttles, 1, `${name}: throttled invocations`);
      // Near the timeout, p99 means some invocations are about to time out.
      const p99Threshold = (fn.timeout ?? Duration.seconds(3)).toMilliseconds() * 0.8;
      this.alarm(`${title}DurationP99`, p99, p99Threshold, `${name}: p99 duration above 80% of its timeout`);
      functionWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${name}: errors and throttles`,
          left: [errors, throttles],
          width: 8,
        }),
        new cloudwatch.GraphWidget({ title: `${name}: p99 duration (ms)`, left: [p99], width: 4 }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: names.dashboard,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Pipeline executions',
            left: [
              props.stateMachine.metricStarted({ period, statistic: 'Sum' }),
              props.stateMachine.metricSucceeded({ period, statistic: 'Sum' }),
              executionsFailed,
              executionsTimedOut,
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Items swept', left: [itemsSwept], width: 6 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 6 }),
        ],
        functionWidgets,
      ],
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmName: `darkroom-${id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
