import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { dataFrame, dataFrameHead, sharedPayload } from './data-frame.ts';

/** What a ws client receives when a server writes the pieces to the upgraded socket. */
async function received(pieces: readonly Buffer[]): Promise<{ text: string; isBinary: boolean }> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, () => {
      socket.cork();
      for (const piece of pieces) socket.write(piece);
      socket.uncork();
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const [data, isBinary] = (await once(client, 'message')) as [Buffer, boolean];
    return { text: data.toString('utf8'), isBinary };
  } finally {
    client.terminate();
    wss.close();
    server.close();
  }
}

describe('dataFrame', () => {
  it.each([
    ['7-bit length', 40],
    ['16-bit length', 5_000],
    ['64-bit length', 70_000],
  ])('is one text frame (%s) holding exactly the whole message serialized', async (_, size) => {
    const payload = { data: { onImageProcessed: { id: 'é"\\\\', note: 'x'.repeat(size) } } };
    const id = 'id "with" quotes\u2028ü';

    const message = await received(dataFrame(dataFrameHead(id), sharedPayload(JSON.stringify(payload))));

    expect(message).toEqual({ text: JSON.stringify({ type: 'data', id, payload }), isBinary: false });
  });

  it("builds nothing per recipient: the header and payload are shared, the head is the subscription's", () => {
    const payload = sharedPayload('{"data":null}');
    const a = dataFrameHead('a');
    const b = dataFrameHead('b');

    const [headerA, headA, tailA] = dataFrame(a, payload);
    const [headerB, headB, tailB] = dataFrame(b, payload);

    expect(payload.bytes).toBe('{"data":null}'.length);
    expect([headA, headB]).toEqual([a, b]);
    expect(headA).toBe(a);
    expect(tailA).toBe(payload.tail);
    expect(tailB).toBe(payload.tail);
    expect(headerB).toBe(headerA);
  });

  it('gives ids of different lengths headers of their own lengths', async () => {
    const payload = sharedPayload(JSON.stringify({ data: { note: 'x'.repeat(200) } }));

    const short = await received(dataFrame(dataFrameHead('a'), payload));
    const long = await received(dataFrame(dataFrameHead('a much longer subscription id'), payload));

    expect(JSON.parse(short.text)).toMatchObject({ id: 'a' });
    expect(JSON.parse(long.text)).toMatchObject({ id: 'a much longer subscription id' });
  });
});
