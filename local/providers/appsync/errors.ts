/** AppSync's error objects: `path, data, errorType, errorInfo, locations (sourceName null), message`. */
import type { GraphQLError, SourceLocation } from 'graphql';

/** An error a resolver raised (`util.error`, `util.unauthorized`) or the stand-in raised for it. */
export class AppSyncFieldError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null = null,
    readonly data: unknown = null,
    readonly errorInfo: unknown = null,
  ) {
    super(message);
    this.name = 'AppSyncFieldError';
  }
}

export interface AppSyncError {
  path: ReadonlyArray<string | number> | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: Array<{ line: number; column: number; sourceName: null }> | null;
  message: string;
}

export function unauthorizedField(fieldName: string, typeName: string): AppSyncFieldError {
  return new AppSyncFieldError(`Not Authorized to access ${fieldName} on type ${typeName}`, 'Unauthorized');
}

export function formatLocations(
  locations: readonly SourceLocation[] | undefined,
): Array<{ line: number; column: number; sourceName: null }> | null {
  return locations ? locations.map(({ line, column }) => ({ line, column, sourceName: null })) : null;
}

/** One graphql-js error in AppSync's shape; errors AppSync would not type keep `errorType` null. */
export function formatError(error: GraphQLError): AppSyncError {
  const original = error.originalError;
  const raised = original instanceof AppSyncFieldError ? original : undefined;
  return {
    path: error.path ?? null,
    data: raised?.data ?? null,
    errorType: raised?.errorType ?? null,
    errorInfo: raised?.errorInfo ?? null,
    locations: formatLocations(error.locations),
    message: error.message,
  };
}

/** A body for an error that stops the whole request (auth, limits, malformed requests). */
export function requestError(
  errorType: string,
  message: string,
): { errors: Array<{ errorType: string; message: string }> } {
  return { errors: [{ errorType, message }] };
}
