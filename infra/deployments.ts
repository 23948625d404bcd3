/**
 * Canary deploys: every function runs behind a `live` alias, and CodeDeploy moves the alias to a new
 * version 10% first for 5 minutes (CANARY_10PERCENT_5MINUTES), after a pre-traffic hook invoked the
 * new version once, rolling back when the function's error-rate or throttle alarm fires. Callers
 * (the state machine, AppSync data sources, schedules) call the alias, never `$LATEST`.
 *
 * Canaries cover functions, not the state machine's definition, which switches at once: a pipeline
 * step must accept its neighbours' input and output of one version before and one after it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { type FunctionId, liveAlias, preTrafficHook } from '../contracts/function-specs.ts';
import { names } from '../contracts/names.ts';
import { bundlingOptions, darkroomFunction } from './functions.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export interface DeploymentsProps {
  functions: Record<FunctionId, nodejs.NodejsFunction>;
}

export class Deployments extends Construct {
  readonly aliases: Record<FunctionId, lambda.Alias>;
  readonly application: codedeploy.LambdaApplication;
  readonly preTrafficHook: nodejs.NodejsFunction;
  readonly groups = {} as Record<FunctionId, codedeploy.LambdaDeploymentGroup>;
  /** One role for every deployment group: they all do the same thing to different aliases. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DeploymentsProps) {
    super(scope, id);
    const entries = Object.entries(props.functions) as [FunctionId, nodejs.NodejsFunction][];
    this.aliases = Object.fromEntries(
      entries.map(([functionId, fn]) => [
        functionId,
        new lambda.Alias(this, `${functionId}Live`, { aliasName: liveAlias, version: fn.currentVersion }),
      ]),
    ) as Record<FunctionId, lambda.Alias>;

    this.application = new codedeploy.LambdaApplication(this, 'Application', {
      applicationName: names.codeDeployApplication,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited'),
      ],
    });

    // The hook learns which version to test from the deployment's group (GetDeployment).
    const targetVersions = Object.fromEntries(
      entries.map(([functionId, fn]) => [names.functions[functionId], fn.currentVersion.functionArn]),
    );
    this.preTrafficHook = darkroomFunction(this, 'PreTrafficHook', {
      functionName: preTrafficHook.functionName,
      description: "CodeDeploy pre-traffic hook: invokes a function's new version once before traffic shifts",
      entry: path.join(root, 'functions', preTrafficHook.folder, 'handler.ts'),
      memoryMb: 256,
      timeoutSeconds: 60,
      environment: { [preTrafficHook.targetVersionsVariable]: Stack.of(this).toJsonString(targetVersions) },
      bundling: bundlingOptions('preTrafficHook'),
    });
    for (const [, fn] of entries) fn.currentVersion.grantInvoke(this.preTrafficHook);
    // By ARN pattern, not the groups' ARNs: the groups name the hook, so naming them back is a cycle.
    this.preTrafficHook.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codedeploy:GetDeployment'],
        resources: [
          Arn.format(
            {
              service: 'codedeploy',
              resource: 'deploymentgroup',
              resourceName: `${names.codeDeployApplication}/*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            },
            Stack.of(this),
          ),
        ],
      }),
    );
  }

  /** A canary deployment group per function, rolling back on that function's alarms. */
  addCanaries(rollbackAlarms: Record<FunctionId, cloudwatch.IAlarm[]>): void {
    for (const [functionId, alias] of Object.entries(this.aliases) as [FunctionId, lambda.Alias][]) {
      this.groups[functionId] = new codedeploy.LambdaDeploymentGroup(this, `${functionId}Canary`, {
        application: this.application,
        deploymentGroupName: names.functions[functionId],
        alias,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms: rollbackAlarms[functionId],
        preHook: this.preTrafficHook,
        role: this.role,
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
    }
  }
}
