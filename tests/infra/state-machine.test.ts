/** The pipeline in the cloud: Express state machine, the upload rule and its DLQ, topic, sweeper schedule. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { flow } from '../../contracts/flow.ts';
import { limits, names } from '../../contracts/names.ts';
import { uploadCreatedPattern } from '../../contracts/upload-rule.ts';
import { supersededVersionsMetric } from '../../infra/pipeline.ts';
import { liveAliasOf, pipelineFunctionIds, resourceNamed, resourcesOfType, template } from './synthesized.ts';

const [, stateMachine] = resourceNamed(
  'AWS::StepFunctions::StateMachine',
  'StateMachineName',
  names.stateMachine,
);
const [bucketId] = resourcesOfType('AWS::S3::Bucket').find(
  ([, r]) => (r.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
) ?? [''];

/** The definition's literal text, each CloudFormation reference in it replaced by `«ref»`. */
function definitionText(): string {
  const definition = stateMachine.Properties?.DefinitionString as unknown;
  if (typeof definition === 'string') return definition;
  const [, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : '«ref»')).join('');
}

describe('state machine', () => {
  it('is an Express workflow logging ALL to its log group, traced, with the pipeline timeout', () => {
    const props = stateMachine.Properties ?? {};
    expect(props.StateMachineType).toBe('EXPRESS');
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: expect.anything() } }],
    });
    expect(JSON.parse(definitionText()).TimeoutSeconds).toBe(limits.pipelineTimeoutSeconds);
  });

  it('has every placeholder of the definition substituted', () => {
    const text = definitionText();
    expect(JSON.parse(text).StartAt).toEqual(expect.any(String));
    expect(text).not.toContain('${');
  });

  it("calls the pipeline functions' live aliases, and names the table by reference", () => {
    const rendered = JSON.stringify(stateMachine.Properties?.DefinitionString);
    for (const fn of pipelineFunctionIds) {
      const [fnId] = resourceNamed('AWS::Lambda::Function', 'FunctionName', names.functions[fn]);
      expect(rendered, fn).toContain(`{"Ref":"${liveAliasOf(names.functions[fn])}"}`);
      // Never the unqualified function: that would bypass the canary.
      expect(rendered, fn).not.toContain(`"${fnId}"`);
    }
    const [tableId] = resourceNamed('AWS::DynamoDB::Table', 'TableName', names.table);
    expect(rendered).toContain(`{"Ref":"${tableId}"}`);
  });
});

describe('superseded versions metric', () => {
  it('counts executions ending in the state that deleted a reused ticket’s extra version', () => {
    const definition = JSON.parse(definitionText()) as { States: Record<string, { Type: string }> };
    expect(definition.States[supersededVersionsMetric.state]?.Type).toBe('Succeed');
    const filters = resourcesOfType('AWS::Logs::MetricFilter').map(([, r]) => r.Properties ?? {});
    const filter = filters.find((f) =>
      JSON.stringify(f.MetricTransformations).includes(supersededVersionsMetric.metricName),
    );
    expect(filter?.FilterPattern).toContain(`$.details.name = "${supersededVersionsMetric.state}"`);
    expect(filter?.FilterPattern).toContain('$.type = "SucceedStateEntered"');
  });
});

describe('upload rule', () => {
  it('matches uploads with the shared pattern and queues them (contracts/flow.ts), with a DLQ', () => {
    const expected = JSON.parse(
      JSON.stringify(uploadCreatedPattern('BUCKET')).replace('"BUCKET"', `{"Ref":"${bucketId}"}`),
    );
    if ('detailType' in expected) {
      expected['detail-type'] = expected.detailType;
      delete expected.detailType;
    }
    const [dlqId] = resourceNamed('AWS::SQS::Queue', 'QueueName', names.dlq);
    const [queueId] = resourceNamed('AWS::SQS::Queue', 'QueueName', flow.queueName);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: names.rule,
      EventPattern: expected,
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        }),
      ],
    });
  });

  it('has an encrypted DLQ that refuses requests without TLS', () => {
    const [dlqId, dlq] = resourceNamed('AWS::SQS::Queue', 'QueueName', names.dlq);
    expect(dlq.Properties?.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('image-processed topic', () => {
  it('is encrypted and refuses publishes without TLS', () => {
    const [topicId, topic] = resourceNamed('AWS::SNS::Topic', 'TopicName', names.topic);
    expect(String(JSON.stringify(topic.Properties?.KmsMasterKeyId))).toContain('alias/aws/sns');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('sweeper schedule', () => {
  it("runs the sweeper's live alias every 5 minutes", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { Ref: liveAliasOf(names.functions.sweeper) } })],
    });
  });
});
