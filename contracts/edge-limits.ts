/**
 * Abuse limits at the edge of the API, defined once: infra/waf.ts builds the AppSync web ACL from
 * them and README / docs/capacity.md quote them.
 */
export const apiEdgeLimits = {
  /**
   * Requests one source IP may make to the GraphQL API in the evaluation window before AWS WAF
   * blocks it until its rate falls below. 2,000 per 5 minutes ≈ 6.7/s sustained: a person paging
   * through their library with live thumbnails stays far below it; a script hammering the API does not.
   */
  requestsPerIp: 2_000,
  /** WAF's evaluation window for the rate-based rule (allowed: 60, 120, 300, 600 seconds). */
  evaluationWindowSeconds: 300,
  /** AWS managed rule group applied to every request (OWASP-style body, header and URI checks). */
  managedRuleGroup: 'AWSManagedRulesCommonRuleSet',
} as const;
