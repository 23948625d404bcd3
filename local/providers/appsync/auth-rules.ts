/**
 * AppSync's per-field authorization from the schema's auth directives (docs/appsync-reference.md §5.1): a field's
 * own directives replace its type's; with none on either, only the default mode (Cognito) may read
 * it; `cognito_groups` narrows Cognito callers to members of one of the groups. `@aws_auth` is the
 * legacy Cognito-only directive: AppSync honours it only when Cognito is the API's sole mode and
 * otherwise ignores it, as if absent.
 */
import type { ConstDirectiveNode, GraphQLField, GraphQLObjectType } from 'graphql';
import { apiAuthModes } from '../../../contracts/api-auth.ts';
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

function grantsOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  modes: readonly AuthMode[],
): ModeGrant[] | undefined {
  const grants: ModeGrant[] = [];
  let present = false;
  const honoursAwsAuth = modes.length === 1 && modes[0] === 'AMAZON_COGNITO_USER_POOLS';
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name === 'aws_auth' && !honoursAwsAuth) continue;
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

/**
 * The grants that apply to one field: its own, else its type's, else the default mode's. `modes`
 * are the API's authorization modes, the default first (contracts/api-auth.ts unless given).
 */
export function fieldGrants(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  modes: readonly AuthMode[] = apiAuthModes,
): ModeGrant[] {
  // Asked for every field of every item a request returns; the directives never change for a
  // built schema, so the API's own modes' answer is kept per field (a field has one parent type).
  if (modes !== apiAuthModes) return grantsFromDirectives(parent, field, modes);
  let grants = defaultModeGrants.get(field);
  if (!grants) {
    grants = grantsFromDirectives(parent, field, modes);
    defaultModeGrants.set(field, grants);
  }
  return grants;
}

const defaultModeGrants = new WeakMap<GraphQLField<unknown, unknown>, ModeGrant[]>();

function grantsFromDirectives(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  modes: readonly AuthMode[],
): ModeGrant[] {
  const typeDirectives = [
    ...(directivesOf(parent) ?? []),
    ...parent.extensionASTNodes.flatMap((node) => node.directives ?? []),
  ];
  const defaultMode = modes[0] ?? 'AMAZON_COGNITO_USER_POOLS';
  return grantsOf(directivesOf(field), modes) ?? grantsOf(typeDirectives, modes) ?? [{ mode: defaultMode }];
}

/** Whether the caller may read `parent.field`. */
export function mayAccess(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  caller: Caller,
  modes: readonly AuthMode[] = apiAuthModes,
): boolean {
  return fieldGrants(parent, field, modes).some((grant) => {
    if (grant.mode !== caller.mode) return false;
    if (caller.mode !== 'AMAZON_COGNITO_USER_POOLS' || !grant.groups) return true;
    const groups = caller.identity.groups ?? [];
    return grant.groups.some((group) => groups.includes(group));
  });
}
