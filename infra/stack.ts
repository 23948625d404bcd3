/**
 * The Darkroom stack: wires storage, sign-in, the API, the functions and their grants, the
 * pipeline and its monitoring together. Environment-agnostic, so it synthesizes with no account.
 */
import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type { Construct } from 'constructs';
import { flow } from '../contracts/flow.ts';
import { names } from '../contracts/names.ts';
import type { ResolverEntry } from '../resolvers/catalog.ts';
import { Api } from './api.ts';
import { Auth } from './auth.ts';
import { Cdn } from './cdn.ts';
import { Deployments } from './deployments.ts';
import { Functions } from './functions.ts';
import { grantFunctionAccess } from './grants.ts';
import { Monitoring } from './monitoring.ts';
import { OpsTopic, sendAllAlarmsTo } from './ops-alarms.ts';
import { addStackOutputs } from './outputs.ts';
import { Pipeline } from './pipeline.ts';
import { Storage } from './storage.ts';
import { createImageProcessedTopic } from './topic.ts';
import { ApiFirewall } from './waf.ts';

export interface DarkroomStackProps extends StackProps {
  corsOrigins: string[];
  fieldLogLevel: appsync.FieldLogLevel;
  /** Who the ops topic e-mails when an alarm fires (context `opsEmail`); no subscription when unset. */
  opsEmail?: string;
  /** PEM public key of the CloudFront key pair that signs thumbnail URLs (context `cdnPublicKey`). */
  cdnPublicKey: string;
  /** Defaults to the resolver catalog; tests pass their own to check synth refuses unknown fields. */
  resolvers?: ResolverEntry[];
}

export class DarkroomStack extends Stack {
  readonly storage: Storage;
  readonly auth: Auth;
  readonly api: Api;
  readonly functions: Functions;
  readonly pipeline: Pipeline;
  readonly monitoring: Monitoring;
  readonly opsTopic: OpsTopic;
  readonly deployments: Deployments;
  readonly cdn: Cdn;
  readonly firewall: ApiFirewall;

  constructor(scope: Construct, id: string, props: DarkroomStackProps) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage', { corsOrigins: props.corsOrigins });
    this.auth = new Auth(this, 'Auth');
    const topic = createImageProcessedTopic(this);
    this.api = new Api(this, 'Api', { userPool: this.auth.userPool, fieldLogLevel: props.fieldLogLevel });
    const { table, bucket } = this.storage;
    const graphqlApi = this.api.graphqlApi;
    this.firewall = new ApiFirewall(this, 'Firewall', { api: graphqlApi });

    this.functions = new Functions(this, 'Functions', {
      env: {
        TABLE_NAME: table.tableName,
        BUCKET_NAME: bucket.bucketName,
        GRAPHQL_URL: graphqlApi.graphqlUrl,
        TOPIC_ARN: topic.topicArn,
        // Built from the names, not from the resources: the state machine and the queue are created
        // after the functions (and the state machine invokes them), so a reference would be a cycle.
        STATE_MACHINE_ARN: this.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: names.stateMachine,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        QUEUE_URL: `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/${flow.queueName}`,
        RETRY_BACKOFF_SCALE: '1',
      },
    });
    const fn = this.functions.byId;
    this.cdn = new Cdn(this, 'Cdn', {
      bucket,
      logsBucket: this.storage.logsBucket,
      publicKeyPem: props.cdnPublicKey,
    });
    this.cdn.grantSigning(fn.signUrls);
    grantFunctionAccess({ functions: fn, table, bucket, topic, api: graphqlApi });

    // Callers invoke the `live` aliases, which CodeDeploy shifts canary-first.
    this.deployments = new Deployments(this, 'Deployments', { functions: fn });
    const live = this.deployments.aliases;

    this.api.attachResolvers({ tables: { [names.table]: table }, functions: live }, props.resolvers);

    const pipelineFunctions = {
      inspect: live.inspect,
      thumbnails: live.thumbnails,
      analyse: live.analyse,
      flag: live.flag,
      saveResult: live.saveResult,
      markFailed: live.markFailed,
      publish: live.publish,
      approve: live.approve,
    };
    this.pipeline = new Pipeline(this, 'Pipeline', {
      table,
      bucket,
      topic,
      functions: pipelineFunctions,
      sweeper: live.sweeper,
      dispatch: live.dispatch,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachine: this.pipeline.stateMachine,
      functions: live,
      stages: Object.keys(pipelineFunctions) as (keyof typeof pipelineFunctions)[],
      // The upload DLQ has its alarm from the pipeline (flow control); shown here with the queue.
      queues: { uploadQueue: this.pipeline.uploadQueue, uploadDlq: this.pipeline.uploadDeadLetterQueue },
      deadLetterQueues: { ruleDlq: this.pipeline.deadLetterQueue },
      imageProcessedTopic: topic,
    });
    this.opsTopic = new OpsTopic(this, 'Ops', props.opsEmail ? { email: props.opsEmail } : {});
    sendAllAlarmsTo(this, this.opsTopic.topic);
    this.deployments.addCanaries(this.monitoring.rollbackAlarms);

    addStackOutputs(this, {
      graphqlUrl: graphqlApi.graphqlUrl,
      userPoolId: this.auth.userPool.userPoolId,
      userPoolClientId: this.auth.client.userPoolClientId,
      bucketName: bucket.bucketName,
      tableName: table.tableName,
      topicArn: topic.topicArn,
    });
  }
}
