/** Alarms on platform failure only, each sent to the ops topic; the dashboard. */
import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import {
  alarmThresholds,
  imageErrorsMetricName,
  imageSteps,
  imagesRefusedMetric,
  itemsSweptMetric,
  rekognitionOperations,
  sweepErrorsMetric,
} from '../../infra/monitoring.ts';
import {
  getAttTarget,
  pipelineFunctionIds,
  resourceNamed,
  resourcesOfType,
  template,
} from './synthesized.ts';

const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
const [opsTopicId] = resourceNamed('AWS::SNS::Topic', 'TopicName', names.opsTopic);

interface MetricStat {
  Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] };
  Stat: string;
}
interface MetricQuery {
  Id: string;
  Expression?: string;
  MetricStat?: MetricStat;
}

function alarmNamed(name: string): Record<string, unknown> {
  const [, alarm] = resourceNamed('AWS::CloudWatch::Alarm', 'AlarmName', name);
  return alarm.Properties ?? {};
}

/** Every metric an alarm reads, plain or inside its math expression. */
function metricsOf(alarm: Record<string, unknown>): MetricStat['Metric'][] {
  if (alarm.MetricName) return [alarm as unknown as MetricStat['Metric']];
  return ((alarm.Metrics ?? []) as MetricQuery[]).flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : []));
}

function functionRef(id: keyof typeof functionSpecs): string {
  return resourceNamed('AWS::Lambda::Function', 'FunctionName', names.functions[id])[0];
}

describe('alarms reach someone', () => {
  it('every alarm notifies the ops topic when it fires and when it clears', () => {
    expect(alarms.length).toBeGreaterThan(20);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties?.AlarmActions, id).toEqual([{ Ref: opsTopicId }]);
      expect(alarm.Properties?.OKActions, id).toEqual([{ Ref: opsTopicId }]);
    }
  });

  it('the ops topic is encrypted with a key CloudWatch may use', () => {
    const [, topic] = resourceNamed('AWS::SNS::Topic', 'TopicName', names.opsTopic);
    const key = template.toJSON().Resources[getAttTarget(topic.Properties?.KmsMasterKeyId)];
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });
});

describe('alarms mean a platform problem, not a bad file', () => {
  it('no alarm fires on a single failed execution or a single inspect error', () => {
    for (const [id, alarm] of alarms) {
      const props = alarm.Properties ?? {};
      if (props.MetricName === 'ExecutionsFailed') throw new Error(`${id} alarms on a raw failed count`);
      const metrics = metricsOf(props);
      if (props.MetricName === 'Errors') {
        const dims = JSON.stringify(props.Dimensions);
        expect(dims, id).not.toContain(JSON.stringify({ Ref: functionRef('inspect') }));
      }
      expect(metrics.length, id).toBeGreaterThan(0);
    }
  });

  it('alarms on the rate of failed executions', () => {
    const alarm = alarmNamed('darkroom-executions-failing');
    const queries = alarm.Metrics as MetricQuery[];
    expect(queries.find((q) => q.Expression)?.Expression).toMatch(/100 \* FILL\(failed, 0\) \/ started/);
    expect(
      metricsOf(alarm)
        .map((m) => m.MetricName)
        .sort(),
    ).toEqual(['ExecutionsFailed', 'ExecutionsStarted']);
    expect(alarm.Threshold).toBe(alarmThresholds.executionsFailedPercent);
  });

  it("subtracts inspect's refusals (users' bad files) from its error rate", () => {
    const alarm = alarmNamed('darkroom-inspect-error-rate');
    const expression = (alarm.Metrics as MetricQuery[]).find((q) => q.Expression)?.Expression;
    expect(expression).toContain('- FILL(refused, 0)');
    expect(metricsOf(alarm)).toContainEqual(
      expect.objectContaining({
        MetricName: imagesRefusedMetric.metricName,
        Dimensions: [{ Name: 'service', Value: names.functions.inspect }],
      }),
    );
  });

  it.each(imageSteps)("subtracts %s's image errors (users' bad files) from its error rate", (id) => {
    const alarm = alarmNamed(`${names.functions[id]}-error-rate`);
    const expression = (alarm.Metrics as MetricQuery[]).find((q) => q.Expression)?.Expression;
    expect(expression).toContain(`- FILL(image_errors_${id}, 0)`);
    expect(metricsOf(alarm)).toContainEqual(
      expect.objectContaining({
        MetricName: imageErrorsMetricName,
        Dimensions: [{ Name: 'service', Value: names.functions[id] }],
      }),
    );
  });

  it.each(pipelineFunctionIds)('watches %s: error rate, throttles, p99 near its timeout', (id) => {
    const kebab = names.functions[id];
    const rate = alarmNamed(`${kebab}-error-rate`);
    expect(rate).toMatchObject({
      Threshold: alarmThresholds.functionErrorRatePercent,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect(JSON.stringify(metricsOf(rate))).toContain(functionRef(id));
    expect(alarmNamed(`${kebab}-throttles`).Threshold).toBe(alarmThresholds.functionThrottles);
    expect(alarmNamed(`${kebab}-duration-p99`)).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: functionSpecs[id].timeoutSeconds * 1000 * alarmThresholds.durationShareOfTimeout,
    });
  });

  it('fires when the rule DLQ holds a message', () => {
    const [queueId] = resourceNamed('AWS::SQS::Queue', 'QueueName', names.dlq);
    const depth = alarms.filter(
      ([, a]) =>
        a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Properties?.Dimensions).includes(queueId),
    );
    expect(depth).toHaveLength(1);
    expect(depth[0]?.[1].Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('fires on sweeper errors and on images the sweeper had to rescue', () => {
    const errors = alarmNamed('darkroom-sweeper-errors');
    expect(
      metricsOf(errors)
        .map((m) => m.MetricName)
        .sort(),
    ).toEqual(['Errors', sweepErrorsMetric.metricName]);
    expect(alarmNamed('darkroom-items-swept')).toMatchObject({
      MetricName: itemsSweptMetric.metricName,
      Namespace: 'darkroom',
      Dimensions: [{ Name: 'service', Value: names.functions.sweeper }],
      Threshold: 1,
    });
  });

  it.each(rekognitionOperations)('fires when Rekognition %s throttles past the threshold', (operation) => {
    const alarm = alarms.find(
      ([, a]) =>
        a.Properties?.Namespace === 'AWS/Rekognition' &&
        JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'Operation', Value: operation }]),
    );
    expect(alarm?.[1].Properties).toMatchObject({
      MetricName: 'ThrottledCount',
      Threshold: alarmThresholds.rekognitionThrottles,
    });
  });
});

describe('dashboard', () => {
  it('shows throughput, stage latency, queue depth and age', () => {
    const [, dashboard] = resourceNamed('AWS::CloudWatch::Dashboard', 'DashboardName', names.dashboard);
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);
    for (const text of [
      'Throughput',
      'ExecutionsStarted',
      'Stage latency p99',
      'ExecutionTime',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      itemsSweptMetric.metricName,
    ]) {
      expect(body).toContain(text);
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
