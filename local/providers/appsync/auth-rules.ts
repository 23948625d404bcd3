/**
 * AppSync's per-field authorization from the schema's auth directives (docs/appsync-reference.md §5.1): a field's
 * own directives replace its type's; with none on either, only the default mode (Cognito) may read
 * it; `cognito_groups` narrows Cognito callers to members of one of the groups.
 */
import type { ConstDirectiveNode, GraphQLField, GraphQLObjectType } from 'graphql';
import type { AuthMode, Caller } from './identity.ts';

interface ModeGrant {
  mode: AuthMode;
  /** For Cognito: the caller must be in one of these; undefined = any signed-in user. */
  groups?: string[];
}

const directiveModes: Record<string, AuthMode> = {
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_auth: 'AMAZON_COGNITO_USER_POOLS',
  aws_iam: 'AWS_IAM',
  aws_api_key: 'API_KEY',
};
// Modes this stand-in does not authenticate, but whose directives still count as "present".
const otherAuthDirectives = new Set(['aws_oidc', 'aws_lambda']);

function grantsOf(directives: readonly ConstDirectiveNode[] | undefined): ModeGrant[] | undefined {
  const grants: ModeGrant[] = [];
  let present = false;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (otherAuthDirectives.has(name)) present = true;
    const mode = directiveModes[name];
    if (!mode) continue;
    present = true;
    const groupsArg = directive.arguments?.find((arg) => arg.name.value === 'cognito_groups');
    const groups =
      groupsArg?.value.kind === 'ListValue'
        ? groupsArg.value.values.flatMap((v) => (v.kind === 'StringValue' ? [v.value] : []))
        : undefined;
    grants.push(groups ? { mode, groups } : { mode });
  }
  return present ? grants : undefined;
}

function directivesOf(node: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null }) {
  return node.astNode?.directives;
}

/** The grants that apply to one field: its own, else its type's, else the default mode's. */
export function fieldGrants(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): ModeGrant[] {
  const typeDirectives = [
    ...(directivesOf(parent) ?? []),
    ...parent.extensionASTNodes.flatMap((node) => node.directives ?? []),
  ];
  return grantsOf(directivesOf(field)) ?? grantsOf(typeDirectives) ?? [{ mode: 'AMAZON_COGNITO_USER_POOLS' }];
}

/** Whether the caller may read `parent.field`. */
export function mayAccess(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  caller: Caller,
): boolean {
  return fieldGrants(parent, field).some((grant) => {
    if (grant.mode !== caller.mode) return false;
    if (caller.mode !== 'AMAZON_COGNITO_USER_POOLS' || !grant.groups) return true;
    const groups = caller.identity.groups ?? [];
    return grant.groups.some((group) => groups.includes(group));
  });
}
