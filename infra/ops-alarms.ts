/**
 * Where alarms go: the ops SNS topic (an e-mail subscription when context `opsEmail` is set), made
 * the action of every CloudWatch alarm in the stack by an aspect, so alarms added later (by any
 * construct) cannot be left silent.
 */
import { Aspects, type IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { names } from '../contracts/names.ts';

export interface OpsTopicProps {
  /** Who is told when an alarm fires or clears; no subscription when undefined. */
  email?: string;
}

export class OpsTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: OpsTopicProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic under the AWS-managed aws/sns key (its key policy is
    // fixed): a customer-managed key whose policy lets CloudWatch use it.
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the darkroom ops alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: names.opsTopic,
      displayName: 'darkroom alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }
}

/** Sends every alarm's ALARM and OK transitions to the topic, once. */
class AlarmActions implements IAspect {
  private readonly action: actions.SnsAction;
  private readonly done = new WeakSet<cloudwatch.Alarm>();

  constructor(topic: sns.ITopic) {
    this.action = new actions.SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm) || this.done.has(node)) return;
    this.done.add(node);
    node.addAlarmAction(this.action);
    // OK too: whoever was paged learns the problem cleared without opening the console.
    node.addOkAction(this.action);
  }
}

export function sendAllAlarmsTo(scope: IConstruct, topic: sns.ITopic): void {
  Aspects.of(scope).add(new AlarmActions(topic));
}
