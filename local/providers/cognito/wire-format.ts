/**
 * Cognito's JSON protocol sends timestamps as epoch seconds; cognito-local answers Date objects
 * (ISO strings on the wire), which the AWS SDK v3 refuses ("Expected real number").
 */

/** Cognito's timestamp members all end in `Date` (UserCreateDate, LastModifiedDate, …). */
const timestampMember = /Date$/;

function epochSeconds(value: unknown): unknown {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return value;
  return date.getTime() / 1000;
}

/** A copy of an operation's output with every timestamp member as epoch seconds. */
export function toWireTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWireTimestamps);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      key,
      timestampMember.test(key) ? epochSeconds(member) : toWireTimestamps(member),
    ]),
  );
}
