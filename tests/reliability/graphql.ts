/** GraphQL calls against the shared stack as any kind of caller, and what came of them in one word. */
import { signedGraphqlRequest } from '../../local/providers/appsync/testing/sign-iam.ts';
import { stackInfo } from '../integration/support.ts';

export type Caller =
  | { kind: 'token'; token: string }
  | { kind: 'anonymous' }
  | { kind: 'iam'; secretAccessKey: string };

export interface GraphqlResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { errorType?: string; message: string }[] };
}

export async function graphqlAs(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResponse> {
  const stack = stackInfo();
  const body = JSON.stringify({ query, variables });
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.kind === 'token') headers.authorization = caller.token;
  if (caller.kind === 'iam') {
    const signed = await signedGraphqlRequest(stack.graphqlUrl, body, {
      accessKeyId: stack.accessKeyId,
      secretAccessKey: caller.secretAccessKey,
    });
    headers = signed.headers;
  }
  const response = await fetch(stack.graphqlUrl, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as GraphqlResponse['body'] };
}

/**
 * `ok` (data, no error), `null` (no error, a null answer), `denied:<errorType>` (an error in the
 * answer) or `http <status>:<errorType>` (refused before any resolver ran).
 */
export function outcomeOf(response: GraphqlResponse, field: string): string {
  const error = response.body.errors?.[0];
  if (response.status !== 200) return `http ${response.status}:${error?.errorType ?? '?'}`;
  if (error) return `denied:${error.errorType ?? '?'}`;
  const value = response.body.data?.[field];
  return value === null || value === undefined ? 'null' : 'ok';
}
