import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { photo } from '../fixtures.ts';
import { clientsFor, graphqlData, postUpload, stackInfo, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

const graphql = <T>(accessToken: string, query: string, variables: Record<string, unknown>) =>
  graphqlData<T>({ accessToken }, query, variables);

interface RealtimeMessage {
  type: string;
  id?: string;
  payload?: { data?: { onImageProcessed?: Record<string, unknown> }; errors?: unknown };
}

/** Opens an AppSync real-time connection, starts one subscription, resolves once it is acknowledged. */
async function subscribe(token: string, query: string, variables: Record<string, unknown>) {
  const { url } = stackInfo();
  const host = new URL(url).host;
  const auth = { host, Authorization: token };
  const header = Buffer.from(JSON.stringify(auth)).toString('base64url');
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql/realtime`, [
    'graphql-ws',
    `header-${header}`,
  ]);
  const messages: RealtimeMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (raw) => {
    messages.push(JSON.parse(raw.toString()) as RealtimeMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: string): Promise<RealtimeMessage> => {
    for (;;) {
      const index = messages.findIndex((message) => message.type === type || message.type === 'error');
      if (index >= 0) {
        const [message] = messages.splice(index, 1);
        if (message?.type === 'error') throw new Error(`real-time error: ${JSON.stringify(message)}`);
        if (message) return message;
      }
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await next('connection_ack');
  socket.send(
    JSON.stringify({
      id: '1',
      type: 'start',
      payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: auth } },
    }),
  );
  await next('start_ack');
  return { next, close: () => socket.close() };
}

const imageFields = 'id owner status width height thumbnails { size format width height url }';

describe('the whole system, as a client sees it', () => {
  it('signs up, requests an upload, POSTs the photo and receives the processed image on the subscription', async () => {
    // AppSync takes either Cognito token; this path checks the ID token.
    const token = (await createUser('e2e')).idToken;
    const jpeg = await sharp(photo('coffee.png')).jpeg().toBuffer();
    const { requestUpload } = await graphql<{
      requestUpload: { image: { id: string; owner: string; status: string }; url: string; fields: string };
    }>(
      token,
      'mutation Upload($input: RequestUploadInput!) { requestUpload(input: $input) { image { id owner status } url fields } }',
      { input: { fileName: 'coffee.jpg', contentType: 'image/jpeg', size: jpeg.length } },
    );
    expect(requestUpload.image.status).toBe('PENDING_UPLOAD');
    const subscription = await subscribe(
      token,
      `subscription Processed($id: ID) { onImageProcessed(id: $id) { ${imageFields} } }`,
      { id: requestUpload.image.id },
    );
    try {
      const fields = JSON.parse(requestUpload.fields) as Record<string, string>;
      const posted = Date.now();
      expect(
        (await postUpload({ url: requestUpload.url, fields, expiresAt: '' }, jpeg, 'image/jpeg')).status,
      ).toBe(204);

      const event = await subscription.next('data');
      console.info(`one photo from POST to the subscription event: ${Date.now() - posted} ms`);
      const image = event.payload?.data?.onImageProcessed;
      expect(image).toMatchObject({
        id: requestUpload.image.id,
        owner: requestUpload.image.owner,
        status: 'COMPLETED',
      });
      expect(image).toMatchObject({ width: 600, height: 400 });
      const thumbnails = image?.thumbnails as Array<{ url: string | null }>;
      expect(thumbnails).toHaveLength(6);
      const large = await fetch(String(thumbnails[0]?.url));
      expect(large.status).toBe(200);
      const stored = await waitForStatus(clientsFor(), requestUpload.image.owner, requestUpload.image.id, [
        'COMPLETED',
      ]);
      expect(stored.status).toBe('COMPLETED');
    } finally {
      subscription.close();
    }
  });
});
