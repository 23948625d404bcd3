/**
 * Which user attributes a call may write, checked as Cognito checks them before cognito-local
 * (which stores whatever it is given) runs. cognito-local let SignUp set `sub`, and issued tokens
 * carrying it: a new user could take another user's sub and, with it, every image that user owns
 * (the data is keyed by sub). The pool's schema is Cognito's standard attributes only
 * (infra/auth.ts defines no custom ones).
 */

export interface AttributeRefusal {
  code: 'NotAuthorizedException' | 'InvalidParameterException';
  message: string;
}

/** Operations that write user attributes, and where they carry them. */
const attributesOf: Record<string, (input: Record<string, unknown>) => unknown> = {
  SignUp: (input) => input.UserAttributes,
  UpdateUserAttributes: (input) => input.UserAttributes,
  AdminCreateUser: (input) => input.UserAttributes,
  AdminUpdateUserAttributes: (input) => input.UserAttributes,
};

/** Cognito's standard attributes that a client or an administrator may write. */
const writable: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** Attributes Cognito itself owns: the identity (`sub`), its groups and federated identities. */
function ownedByCognito(name: string): boolean {
  return name === 'sub' || name === 'identities' || name.startsWith('cognito:');
}

/** Cognito's refusal of the attributes the operation writes, or undefined when all may be written. */
export function refuseAttributes(
  operation: string,
  input: Record<string, unknown>,
): AttributeRefusal | undefined {
  const attributes = attributesOf[operation]?.(input);
  // Absent, or of the wrong shape: cognito-local's own checks answer that.
  if (!Array.isArray(attributes)) return undefined;
  for (const attribute of attributes) {
    const name = (attribute as { Name?: unknown } | null)?.Name;
    if (typeof name !== 'string') continue;
    if (ownedByCognito(name)) {
      return {
        code: 'NotAuthorizedException',
        message: 'A client attempted to write unauthorized attribute',
      };
    }
    if (!writable.has(name)) {
      return {
        code: 'InvalidParameterException',
        message: `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`,
      };
    }
  }
  return undefined;
}
