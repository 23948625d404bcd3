/**
 * Turns a Step Functions Catch output `{Error, Cause}` into the Image's `{code, message}`: a Lambda
 * error's Cause is its JSON `{errorType, errorMessage, trace}`; anything else is text, or nothing.
 */
export interface CaughtError {
  Error: string;
  Cause?: string | null;
}

export interface ImageFailure {
  code: string;
  message: string;
}

export const maxMessageLength = 500;

/** Messages for causes Step Functions leaves empty. */
const defaultMessages: Record<string, string> = {
  'States.Timeout': 'A pipeline step timed out.',
  'States.TaskFailed': 'A pipeline step failed.',
  'States.Runtime': 'The pipeline could not run a step.',
};

export function describeFailure(caught: CaughtError): ImageFailure {
  const cause = caught.Cause?.trim() ?? '';
  const lambdaError = parseLambdaCause(cause);
  if (lambdaError) {
    return {
      code: lambdaError.errorType,
      message: truncate(lambdaError.errorMessage.trim() || `${lambdaError.errorType} was raised.`),
    };
  }
  const code = caught.Error.trim() || 'Unknown';
  return {
    code,
    message: truncate(cause || defaultMessages[code] || `The pipeline failed with ${code}.`),
  };
}

function parseLambdaCause(cause: string): { errorType: string; errorMessage: string } | undefined {
  if (!cause.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { errorType, errorMessage } = parsed as Record<string, unknown>;
  if (typeof errorType !== 'string' || errorType.trim() === '') return undefined;
  return { errorType: errorType.trim(), errorMessage: typeof errorMessage === 'string' ? errorMessage : '' };
}

function truncate(text: string): string {
  return text.length <= maxMessageLength ? text : `${text.slice(0, maxMessageLength - 1)}…`;
}
