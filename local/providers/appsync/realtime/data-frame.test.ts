import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { dataFrame, FramePrefix, sharedPayload } from './data-frame.ts';

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

    const message = await received(dataFrame(new FramePrefix(id), sharedPayload(JSON.stringify(payload))));

    expect(message).toEqual({ text: JSON.stringify({ type: 'data', id, payload }), isBinary: false });
  });

  it('shares the payload between frames and keeps each prefix while payloads keep their length', () => {
    const payload = sharedPayload('{"data":null}');
    const a = new FramePrefix('a');
    const b = new FramePrefix('b');

    const [prefixA, tailA] = dataFrame(a, payload);
    const [prefixB, tailB] = dataFrame(b, payload);
    const [again] = dataFrame(a, sharedPayload('{"data":"xy"}'));

    expect(payload.bytes).toBe('{"data":null}'.length);
    expect(tailA).toBe(payload.tail);
    expect(tailB).toBe(payload.tail);
    expect(prefixB).not.toBe(prefixA);
    expect(again).toBe(prefixA);
  });

  it('gives a payload of another length a new prefix, leaving the one a queue may hold untouched', async () => {
    const prefix = new FramePrefix('sub-1');
    const short = sharedPayload(JSON.stringify({ data: { note: 'x'.repeat(10) } }));
    const long = sharedPayload(JSON.stringify({ data: { note: 'x'.repeat(70_000) } }));

    const first = dataFrame(prefix, short);
    const before = Buffer.from(first[0] ?? Buffer.alloc(0));
    const second = dataFrame(prefix, long);

    expect(first[0]).toEqual(before);
    expect(JSON.parse((await received(first)).text)).toMatchObject({
      id: 'sub-1',
      payload: { data: { note: 'x'.repeat(10) } },
    });
    expect(JSON.parse((await received(second)).text).payload.data.note).toHaveLength(70_000);
  });
});
