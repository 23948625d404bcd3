/**
 * The local stack's principals: its own root credentials (allowed everything, as an administrator
 * would be) and one access key per Lambda function, bound to that function's policy from
 * contracts/function-policies.ts. Providers ask `authorize` before serving a function's call.
 *
 * LIMITATIONS
 * - Identity policies with Allow statements only: no Deny, no resource (bucket/key) policies, no
 *   permission boundaries, SCPs or session policies; condition operators StringLike/StringEquals.
 * - Checked: S3 (object and bucket actions, `s3:prefix` on listings, versioned actions when a
 *   VersionId is named), DynamoDB (table and index ARNs), SNS Publish, Rekognition Detect* and the
 *   S3 object it reads, Cognito's IAM-authorised operations, AppSync `appsync:GraphQL` on the fields
 *   an IAM caller selects. Step Functions, EventBridge and Lambda Invoke calls are only SigV4-checked
 *   (no function calls them today).
 * - A GetObject/HeadObject of a missing key answers NoSuchKey even without s3:ListBucket (S3
 *   answers 403 AccessDenied then).
 * - Function credentials are derived from the root secret and never expire (Lambda's are temporary).
 */
import { createHmac } from 'node:crypto';
import {
  functionPolicies,
  type PolicyArns,
  type PolicyStatementSpec,
  resourceArns,
} from '../../contracts/function-policies.ts';
import { type FunctionId, functionSpecs } from '../../contracts/function-specs.ts';
import type { LocalConfig } from '../config.ts';
import { type AccessRequest, isAllowed, type ResolvedStatement } from './policy-evaluation.ts';

export type { AccessRequest } from './policy-evaluation.ts';

export type AccessVerdict = { allowed: true } | { allowed: false; message: string };

/** What providers need: the secret behind an access key, and whether its holder may do something. */
export interface Authorizer {
  secretFor(accessKeyId: string): string | undefined;
  authorize(accessKeyId: string, request: AccessRequest): AccessVerdict;
}

interface FunctionPrincipal {
  functionName: string;
  secretAccessKey: string;
  statements: ResolvedStatement[];
}

function resolve(statements: readonly PolicyStatementSpec[], arns: PolicyArns): ResolvedStatement[] {
  return statements.map((spec) => ({
    actions: spec.actions,
    resources: spec.resources.flatMap((resource) => resourceArns(resource, arns)),
    ...(spec.conditions ? { conditions: spec.conditions } : {}),
  }));
}

/** The ARN AWS names a Lambda function's role session by, in AccessDenied messages. */
function sessionArn(accountId: string, functionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${functionName}-role/${functionName}`;
}

export class LocalIam implements Authorizer {
  private readonly principals = new Map<string, FunctionPrincipal>();
  private readonly byFunction = new Map<string, string>();

  constructor(
    private readonly config: Pick<LocalConfig, 'credentials' | 'accountId'>,
    arns: PolicyArns,
    policies: Partial<Record<FunctionId, readonly PolicyStatementSpec[]>> = functionPolicies,
  ) {
    for (const [id, statements] of Object.entries(policies) as [FunctionId, PolicyStatementSpec[]][]) {
      const { functionName } = functionSpecs[id];
      const accessKeyId = `DARKROOMFN${id.toUpperCase()}`;
      // Derived, not stored: stable across restarts (presigned URLs stay valid), secret as the root's.
      const secretAccessKey = createHmac('sha256', config.credentials.secretAccessKey)
        .update(`function:${functionName}`)
        .digest('hex');
      this.principals.set(accessKeyId, {
        functionName,
        secretAccessKey,
        statements: resolve(statements, arns),
      });
      this.byFunction.set(functionName, accessKeyId);
    }
  }

  /** The credentials a function's workers sign with; the root's for a function without a policy. */
  credentialsFor(functionName: string): { accessKeyId: string; secretAccessKey: string } {
    const accessKeyId = this.byFunction.get(functionName);
    const principal = accessKeyId === undefined ? undefined : this.principals.get(accessKeyId);
    if (!accessKeyId || !principal) return this.config.credentials;
    return { accessKeyId, secretAccessKey: principal.secretAccessKey };
  }

  secretFor(accessKeyId: string): string | undefined {
    if (accessKeyId === this.config.credentials.accessKeyId) return this.config.credentials.secretAccessKey;
    return this.principals.get(accessKeyId)?.secretAccessKey;
  }

  /** Every known access key and its secret (for verifiers that take a table). */
  secrets(): Record<string, string> {
    const table: Record<string, string> = {
      [this.config.credentials.accessKeyId]: this.config.credentials.secretAccessKey,
    };
    for (const [id, principal] of this.principals) table[id] = principal.secretAccessKey;
    return table;
  }

  authorize(accessKeyId: string, request: AccessRequest): AccessVerdict {
    if (accessKeyId === this.config.credentials.accessKeyId) return { allowed: true };
    const principal = this.principals.get(accessKeyId);
    if (principal && isAllowed(principal.statements, request)) return { allowed: true };
    const who = principal
      ? sessionArn(this.config.accountId, principal.functionName)
      : `arn:aws:iam::${this.config.accountId}:user/${accessKeyId}`;
    return {
      allowed: false,
      message: `User: ${who} is not authorized to perform: ${request.action} on resource: "${request.resource}" because no identity-based policy allows the ${request.action} action`,
    };
  }
}

/** An authorizer knowing only the stack's root credentials (providers run alone in unit tests). */
export function rootOnly(config: Pick<LocalConfig, 'credentials'>): Authorizer {
  const { accessKeyId, secretAccessKey } = config.credentials;
  return {
    secretFor: (id) => (id === accessKeyId ? secretAccessKey : undefined),
    authorize: (id, request) =>
      id === accessKeyId
        ? { allowed: true }
        : { allowed: false, message: `${id} is not authorized to perform: ${request.action}` },
  };
}
