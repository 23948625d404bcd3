/** The user pool's password rules, shared with amplify_outputs.json so clients validate before calling. */
export const passwordPolicy = {
  minLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
} as const;
