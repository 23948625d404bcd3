/** Alarms on the pipeline and its functions, and the dashboard. */
import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { itemsSweptMetric } from '../../infra/monitoring.ts';
import { pipelineFunctionIds, resourceNamed, resourcesOfType, template } from './synthesized.ts';

const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});

function alarmsOn(metricName: string, dimension: unknown): Record<string, unknown>[] {
  return alarms.filter(
    (a) =>
      a.MetricName === metricName && JSON.stringify(a.Dimensions ?? []).includes(JSON.stringify(dimension)),
  );
}

describe('alarms', () => {
  it('fires when a pipeline execution fails', () => {
    const [stateMachineId] = resourceNamed(
      'AWS::StepFunctions::StateMachine',
      'StateMachineName',
      names.stateMachine,
    );
    const [alarm] = alarmsOn('ExecutionsFailed', { Ref: stateMachineId });
    expect(alarm).toMatchObject({ Namespace: 'AWS/States', Statistic: 'Sum', Threshold: 1 });
  });

  it.each(pipelineFunctionIds)(
    'watches %s for errors, throttles and a p99 duration near its timeout',
    (id) => {
      const [functionId] = resourceNamed('AWS::Lambda::Function', 'FunctionName', names.functions[id]);
      const dimension = { Name: 'FunctionName', Value: { Ref: functionId } };
      expect(alarmsOn('Errors', dimension)).toHaveLength(1);
      expect(alarmsOn('Throttles', dimension)).toHaveLength(1);
      const [p99] = alarmsOn('Duration', dimension);
      expect(p99).toMatchObject({
        ExtendedStatistic: 'p99',
        Threshold: functionSpecs[id].timeoutSeconds * 1000 * 0.8,
      });
    },
  );

  it('fires when the sweeper had to rescue images (its Powertools metric)', () => {
    const [alarm] = alarms.filter((a) => a.MetricName === itemsSweptMetric.metricName);
    expect(alarm).toMatchObject({
      Namespace: 'darkroom',
      Dimensions: [{ Name: 'service', Value: names.functions.sweeper }],
      Threshold: 1,
    });
  });
});

describe('dashboard', () => {
  it('exists, showing executions, the swept items and the pipeline functions', () => {
    const [, dashboard] = resourceNamed('AWS::CloudWatch::Dashboard', 'DashboardName', names.dashboard);
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);
    expect(body).toContain('ExecutionsFailed');
    expect(body).toContain(itemsSweptMetric.metricName);
    expect(body).toContain('Duration');
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
