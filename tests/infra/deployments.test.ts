/** Canary deploys: every function behind a `live` alias that CodeDeploy shifts 10% first, with rollback. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionSpecs, preTrafficHook } from '../../contracts/function-specs.ts';
import { names } from '../../contracts/names.ts';
import {
  type CfnResource,
  getAttTarget,
  liveAliasOf,
  propsOf,
  resourceNamed,
  resourcesOfType,
  template,
  templateJson,
} from './synthesized.ts';

const specs = Object.values(functionSpecs);
const [hookId] = resourceNamed('AWS::Lambda::Function', 'FunctionName', preTrafficHook.functionName);

function groupOf(functionName: string): Record<string, unknown> {
  return propsOf(resourceNamed('AWS::CodeDeploy::DeploymentGroup', 'DeploymentGroupName', functionName)[1]);
}

describe('canary deployments', () => {
  it.each(specs)(
    '$functionName: the live alias shifts by CodeDeploy canary, pre-traffic hook first',
    (spec) => {
      const aliasId = liveAliasOf(spec.functionName);
      const alias = templateJson.Resources[aliasId] as { UpdatePolicy?: unknown };
      expect(alias.UpdatePolicy).toEqual({
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: expect.any(String) },
          DeploymentGroupName: { Ref: expect.any(String) },
          BeforeAllowTrafficHook: { Ref: hookId },
        },
      });
      expect(groupOf(spec.functionName)).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
      });
    },
  );

  it.each(specs)("$functionName: rolls back on its alias's error and throttle alarms", (spec) => {
    const [functionId] = resourceNamed('AWS::Lambda::Function', 'FunctionName', spec.functionName);
    const alarms = (groupOf(spec.functionName).AlarmConfiguration as { Alarms: { Name: { Ref: string } }[] })
      .Alarms;
    expect(alarms).toHaveLength(2);
    const metrics = alarms.map(({ Name }) => JSON.stringify(templateJson.Resources[Name.Ref]?.Properties));
    // Both watch what callers call: the alias (Resource dimension `function:live`).
    const aliasDimension = JSON.stringify({ 'Fn::Join': ['', [{ Ref: functionId }, ':live']] });
    for (const metric of metrics) expect(metric).toContain(aliasDimension);
    expect(metrics.some((m) => m.includes('"Throttles"'))).toBe(true);
    expect(metrics.some((m) => m.includes('"Errors"'))).toBe(true);
  });

  it('lets the hook invoke exactly the versions it tests and report to CodeDeploy', () => {
    const roleId = getAttTarget(propsOf(templateJson.Resources[hookId] as CfnResource).Role);
    const hookRole = resourcesOfType('AWS::IAM::Policy').filter(
      ([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    const statements = JSON.stringify(hookRole.map(([, p]) => p.Properties?.PolicyDocument));
    expect(statements).toContain('codedeploy:PutLifecycleEventHookExecutionStatus');
    expect(statements).toContain('codedeploy:GetDeployment');
    const versions = resourcesOfType('AWS::Lambda::Version').map(([id]) => id);
    expect(versions).toHaveLength(specs.length);
    for (const version of versions) expect(statements).toContain(`"Ref":"${version}"`);
  });

  it("tells the hook each group's target version", () => {
    const hook = propsOf(templateJson.Resources[hookId] as CfnResource);
    const variables = JSON.stringify((hook.Environment as { Variables: unknown }).Variables);
    for (const spec of specs) expect(variables).toContain(spec.functionName);
    expect(variables).toContain(preTrafficHook.targetVersionsVariable);
  });
});

describe('AppSync calls the aliases', () => {
  it.each(['createUpload', 'deleteImage', 'signUrls'] as const)(
    'data source %s invokes the live alias',
    (id) => {
      template.hasResourceProperties('AWS::AppSync::DataSource', {
        Name: names.dataSources[id],
        LambdaConfig: { LambdaFunctionArn: { Ref: liveAliasOf(names.functions[id]) } },
      });
      template.hasResourceProperties(
        'AWS::IAM::Policy',
        Match.objectLike({
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Action: 'lambda:InvokeFunction',
                Resource: { Ref: liveAliasOf(names.functions[id]) },
              }),
            ]),
          },
        }),
      );
    },
  );
});
