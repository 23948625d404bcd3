/**
 * IAM's evaluation rules for the parts of policies darkroom uses: Allow statements only (no Deny,
 * so the default deny is the only refusal), actions matched case-insensitively with `*` and `?`,
 * resource ARNs matched case-sensitively with `*` and `?` (spanning `/`), and the StringLike /
 * StringEquals condition operators (a key missing from the request fails its condition, as in IAM).
 */
import type { PolicyConditions } from '../../contracts/function-policies.ts';

/** A statement whose resources are ARNs already. */
export interface ResolvedStatement {
  actions: readonly string[];
  resources: readonly string[];
  conditions?: PolicyConditions;
}

/** One authorisation question: may the principal do `action` on `resource`, with this context? */
export interface AccessRequest {
  /** `service:Action`, e.g. `s3:ListBucketVersions`. */
  action: string;
  /** The resource ARN, or `*` for actions without a resource type. */
  resource: string;
  /** Condition keys the request carries (`s3:prefix`); absent keys are left out. */
  context?: Record<string, string>;
}

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** IAM's wildcard match: `*` any run of characters (including none), `?` exactly one. */
export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive ? 'i' : '').test(value);
}

function conditionsHold(conditions: PolicyConditions | undefined, context: Record<string, string>): boolean {
  for (const [operator, keys] of Object.entries(conditions ?? {})) {
    for (const [key, allowed] of Object.entries(keys ?? {})) {
      const value = context[key];
      if (value === undefined) return false;
      const match =
        operator === 'StringLike'
          ? allowed.some((pattern) => matchesGlob(pattern, value))
          : allowed.includes(value);
      if (!match) return false;
    }
  }
  return true;
}

/** Whether any statement allows the request (every other request is implicitly denied). */
export function isAllowed(statements: readonly ResolvedStatement[], request: AccessRequest): boolean {
  return statements.some(
    (statement) =>
      statement.actions.some((action) => matchesGlob(action, request.action, true)) &&
      statement.resources.some((resource) => matchesGlob(resource, request.resource)) &&
      conditionsHold(statement.conditions, request.context ?? {}),
  );
}
