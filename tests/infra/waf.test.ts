/** AWS WAF on the AppSync API: a per-IP rate limit and the AWS managed common rule set. */
import { describe, expect, it } from 'vitest';
import { apiEdgeLimits } from '../../contracts/edge-limits.ts';
import { names } from '../../contracts/names.ts';
import { propsOf, resourceNamed, resourcesOfType } from './synthesized.ts';

const [aclId, acl] = resourceNamed('AWS::WAFv2::WebACL', 'Name', names.apiWebAcl);
const rules = propsOf(acl).Rules as Record<string, unknown>[];

describe('API web ACL', () => {
  it('is regional, allows by default and blocks an IP past the rate limit', () => {
    expect(propsOf(acl)).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(rules).toContainEqual(
      expect.objectContaining({
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            Limit: apiEdgeLimits.requestsPerIp,
            EvaluationWindowSec: apiEdgeLimits.evaluationWindowSeconds,
            AggregateKeyType: 'IP',
          },
        },
      }),
    );
  });

  it('applies the AWS managed common rule set', () => {
    expect(rules).toContainEqual(
      expect.objectContaining({
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
      }),
    );
  });

  it('is associated with the GraphQL API', () => {
    const [apiId] = resourceNamed('AWS::AppSync::GraphQLApi', 'Name', names.api);
    const associations = resourcesOfType('AWS::WAFv2::WebACLAssociation').map(([, a]) => propsOf(a));
    expect(associations).toEqual([
      { ResourceArn: { 'Fn::GetAtt': [apiId, 'Arn'] }, WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } },
    ]);
  });
});
