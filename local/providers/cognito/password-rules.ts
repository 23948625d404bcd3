/**
 * The checks Cognito makes on every new password before cognito-local (which checks none) stores
 * it: the API's own constraint (1–256 characters, no leading or trailing white space), then the
 * pool's policy from contracts/password-policy.ts, the same one the CDK pool and
 * amplify_outputs.json carry. Without them a password the cloud refuses works locally.
 */
import { passwordPolicy } from '../../../contracts/password-policy.ts';

export interface PasswordRefusal {
  code: 'InvalidParameterException' | 'InvalidPasswordException';
  message: string;
}

/** Where each operation carries a new password (AdminCreateUser's temporary one is checked too). */
const newPasswordOf: Record<string, (input: Record<string, unknown>) => unknown> = {
  SignUp: (input) => input.Password,
  ConfirmForgotPassword: (input) => input.Password,
  AdminSetUserPassword: (input) => input.Password,
  ChangePassword: (input) => input.ProposedPassword,
  AdminCreateUser: (input) => input.TemporaryPassword,
  RespondToAuthChallenge: (input) =>
    (input.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD,
  AdminRespondToAuthChallenge: (input) =>
    (input.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD,
};

const maxLength = 256;
const apiPattern = '^[\\S]+.*[\\S]+$';
// Cognito's symbol set; letters are Basic Latin only.
const symbols = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** Cognito's refusal of the operation's new password, or undefined when it passes (or has none). */
export function refusePassword(
  operation: string,
  input: Record<string, unknown>,
): PasswordRefusal | undefined {
  const read = newPasswordOf[operation];
  if (!read) return undefined;
  const password = read(input);
  // An absent optional password (AdminCreateUser) or one of the wrong type is cognito-local's to refuse.
  if (typeof password !== 'string') return undefined;
  if (password.length > maxLength || !new RegExp(apiPattern, 's').test(password)) {
    return {
      code: 'InvalidParameterException',
      message: `1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ${apiPattern}`,
    };
  }
  const broken = [
    [password.length < passwordPolicy.minLength, 'Password not long enough'],
    [passwordPolicy.requireLowercase && !/[a-z]/.test(password), 'Password must have lowercase characters'],
    [passwordPolicy.requireUppercase && !/[A-Z]/.test(password), 'Password must have uppercase characters'],
    [passwordPolicy.requireDigits && !/[0-9]/.test(password), 'Password must have numeric characters'],
    [passwordPolicy.requireSymbols && !symbols.test(password), 'Password must have symbol characters'],
  ] as const;
  const first = broken.find(([failed]) => failed);
  return first
    ? { code: 'InvalidPasswordException', message: `Password did not conform with policy: ${first[1]}` }
    : undefined;
}
