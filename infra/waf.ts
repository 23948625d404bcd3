/**
 * AWS WAF in front of the AppSync API: a rate-based rule per source IP and the AWS managed common
 * rule set, with the limits of contracts/edge-limits.ts. Blocked requests get 403 before AppSync
 * runs (or bills) a resolver.
 */
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { apiEdgeLimits } from '../contracts/edge-limits.ts';
import { names } from '../contracts/names.ts';

export interface ApiFirewallProps {
  api: appsync.IGraphqlApi;
}

export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: names.apiWebAcl,
      description: 'darkroom API: per-IP rate limit and the AWS managed common rule set',
      scope: 'REGIONAL', // AppSync APIs take REGIONAL web ACLs
      defaultAction: { allow: {} },
      visibilityConfig: visibility('darkroom-api'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: apiEdgeLimits.requestsPerIp,
              evaluationWindowSec: apiEdgeLimits.evaluationWindowSeconds,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('darkroom-api-rate-limit'),
        },
        {
          name: apiEdgeLimits.managedRuleGroup,
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: apiEdgeLimits.managedRuleGroup },
          },
          visibilityConfig: visibility('darkroom-api-common-rules'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.arn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
