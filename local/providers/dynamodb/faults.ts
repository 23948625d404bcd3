/**
 * Injected DynamoDB faults at the proxy: the operation comes from `X-Amz-Target`, the subject
 * `match` may name is the table, and the error is answered in DynamoDB's JSON error shape.
 */
import type { ServerResponse } from 'node:http';
import type { Fault } from '../../faults.ts';
import type { EdgeRequest } from '../../provider.ts';

/** The HTTP status DynamoDB answers each server-side error with; every other code is a 400. */
const serverErrorStatus: Record<string, number> = {
  InternalServerError: 500,
  ServiceUnavailable: 503,
};

/** `[operation, [table]]` of a DynamoDB JSON request (`DynamoDB_20120810.PutItem`, `{TableName}`). */
export function requestSubjects({ req, body }: Pick<EdgeRequest, 'req' | 'body'>): [string, string[]] {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  let table: unknown;
  try {
    table = (JSON.parse(body.toString('utf8')) as { TableName?: unknown }).TableName;
  } catch {
    // Not JSON: DynamoDB Local will say so; the fault matches on the operation alone.
  }
  return [operation, typeof table === 'string' ? [table] : []];
}

export function sendDynamoDbError(res: ServerResponse, fault: Fault, error: string): void {
  const text = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${error}`,
    message: fault.message ?? `Injected fault: ${error}`,
  });
  res.writeHead(fault.status ?? serverErrorStatus[error] ?? 400, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': error,
  });
  res.end(text);
}
