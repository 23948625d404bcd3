/** Flow control in the cloud (contracts/flow.ts): queue, DLQ, alarm, the rule's target, the mapping, dispatch's grants. */
import { describe, expect, it } from 'vitest';
import { flow } from '../../contracts/flow.ts';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import { liveAliasOf, propsOf, resourceNamed, resourcesOfType } from './synthesized.ts';

const [queueId, queue] = resourceNamed('AWS::SQS::Queue', 'QueueName', flow.queueName);
const [dlqId, dlq] = resourceNamed('AWS::SQS::Queue', 'QueueName', flow.deadLetterQueueName);
const [, dispatch] = resourceNamed('AWS::Lambda::Function', 'FunctionName', names.functions.dispatch);

/** Every statement of the policies attached to a function's role. */
function statementsOf(functionResource: typeof dispatch): Array<Record<string, unknown>> {
  const role = JSON.stringify(
    (propsOf(functionResource).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
  );
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(propsOf(policy).Roles).includes(role))
    .flatMap(
      ([, policy]) =>
        (propsOf(policy).PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
}

describe('upload queue and DLQ', () => {
  it('keeps messages 14 days with SQS-managed encryption, hides them 6× dispatch’s timeout, and redrives at the limit', () => {
    expect(propsOf(queue)).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: flow.visibilityTimeoutSeconds,
      MessageRetentionPeriod: flow.retentionSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: flow.maxReceiveCount,
      },
    });
    expect(propsOf(queue).KmsMasterKeyId).toBeUndefined();
    expect(propsOf(dlq)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: flow.retentionSeconds,
    });
  });

  it('enforces TLS on both queues', () => {
    for (const id of [queueId, dlqId]) {
      const policy = resourcesOfType('AWS::SQS::QueuePolicy').find(([, p]) =>
        JSON.stringify(propsOf(p).Queues).includes(`"${id}"`),
      );
      expect(JSON.stringify(policy?.[1]), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms on any message in the DLQ', () => {
    const [, alarm] = resourceNamed('AWS::CloudWatch::Alarm', 'AlarmName', 'darkroom-upload-dlq-depth');
    expect(propsOf(alarm)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });
});

describe('the upload rule and the mapping', () => {
  it('targets the queue, not the state machine', () => {
    const [, rule] = resourceNamed('AWS::Events::Rule', 'Name', names.rule);
    const ruleTargets = propsOf(rule).Targets as Array<Record<string, unknown>>;
    expect(ruleTargets).toHaveLength(1);
    expect(ruleTargets[0]?.Arn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(ruleTargets[0]?.DeadLetterConfig).toEqual(expect.objectContaining({ Arn: expect.anything() }));
  });

  it('invokes dispatch one message at a time, at most MaximumConcurrency at once, with batch item failures', () => {
    const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const mapping = propsOf(mappings[0]![1]);
    // The live alias (`name:live`, from the alias ARN): a dispatch canary takes 10% of the messages first.
    const functionName = JSON.stringify(mapping.FunctionName);
    expect(functionName).toContain(`{"Ref":"${liveAliasOf(names.functions.dispatch)}"}`);
    expect(functionName).toContain('":live"');
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: flow.maximumConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(flow.maximumConcurrency).toBeGreaterThanOrEqual(2);
  });

  it('gives dispatch a timeout above an Express execution’s 5 minutes', () => {
    expect(propsOf(dispatch).Timeout).toBe(functionSpecs.dispatch.timeoutSeconds);
    expect(functionSpecs.dispatch.timeoutSeconds).toBeGreaterThan(300);
  });

  it('lets dispatch start only this state machine, synchronously, and change its queue’s visibility', () => {
    const statements = statementsOf(dispatch);
    const starts = statements.filter((s) => JSON.stringify(s.Action).includes('states:'));
    // contracts/function-policies.ts names the state machine by its ARN built from its name.
    expect(starts).toEqual([expect.objectContaining({ Action: 'states:StartSyncExecution' })]);
    expect(JSON.stringify(starts[0]?.Resource)).toContain(`:stateMachine:${names.stateMachine}`);
    const visibility = statements.filter((s) =>
      JSON.stringify(s.Action).includes('sqs:ChangeMessageVisibility'),
    );
    expect(visibility.map((s) => s.Resource)).toContainEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});
