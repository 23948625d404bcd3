/** The real upload flow as a client runs it: requestUpload over GraphQL, the presigned POST, getImage until terminal. */
import { eventually, postUpload, requestUpload as requestUploadAs } from '../integration/support.ts';
import type { TestUser } from '../integration/users.ts';
import { graphqlAs } from './graphql.ts';

export interface Ticket {
  id: string;
  url: string;
  fields: Record<string, string>;
}

export const terminalStatuses = ['COMPLETED', 'FLAGGED', 'REJECTED', 'FAILED'] as const;

/** requestUpload over GraphQL as `user`; the ticket with the image's id. */
export async function requestUpload(
  user: TestUser,
  contentType: string,
  size: number,
  fileName = 'file',
): Promise<Ticket> {
  const { image, ticket } = await requestUploadAs(user, { contentType, size, fileName });
  return { id: image.id, url: ticket.url, fields: ticket.fields };
}

/** The browser's POST: the ticket's fields (possibly changed), then the file. */
export const post = (ticket: Pick<Ticket, 'url' | 'fields'>, bytes: Buffer, contentType: string) =>
  postUpload({ ...ticket, expiresAt: '' }, bytes, contentType);

export interface ImageState {
  status: string;
  error: { code: string; message: string } | null;
  thumbnails: unknown[];
}

export async function imageOf(user: TestUser, id: string): Promise<ImageState | null> {
  const response = await graphqlAs(
    { kind: 'token', token: user.idToken },
    'query ($id: ID!) { getImage(id: $id) { status error { code message } thumbnails { key } } }',
    { id },
  );
  return (response.body.data?.getImage as ImageState | null | undefined) ?? null;
}

/** `COMPLETED`, `FAILED:<code>`, … once the image is terminal. */
export async function terminalOutcome(user: TestUser, id: string, timeoutMs = 60_000): Promise<string> {
  const image = await eventually(
    async () => {
      const state = await imageOf(user, id);
      return state && (terminalStatuses as readonly string[]).includes(state.status) ? state : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `image ${id} to end` },
  );
  return image.error ? `${image.status}:${image.error.code}` : image.status;
}
