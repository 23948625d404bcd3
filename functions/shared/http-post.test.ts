import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost } from './http-post.ts';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socketPort: number;
}

const received: Received[] = [];
let base: URL;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      socketPort: req.socket.remotePort ?? 0,
    });
    if (req.url === '/silent') return; // never answers
    if (req.url === '/cut') {
      // Promises 100 bytes, sends 10, then drops the connection.
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"data":{"');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(req.url === '/busy' ? 503 : 200, { 'content-type': 'application/json' });
    res.end('{"data":{"ok":"é"}}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, signal = AbortSignal.timeout(5_000)) =>
  httpPost({
    url: new URL(path, base),
    headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=test' },
    body: '{"query":"mutation { ok }","variables":{"name":"é"}}',
    signal,
  });

describe('httpPost', () => {
  it('POSTs the body with its headers and answers status and text, on one kept-alive connection', async () => {
    received.length = 0;

    const first = await post('/graphql');
    const second = await post('/busy');

    expect(first).toEqual({ status: 200, text: '{"data":{"ok":"é"}}' });
    expect(second.status).toBe(503);
    expect(received[0]).toMatchObject({
      method: 'POST',
      path: '/graphql',
      body: '{"query":"mutation { ok }","variables":{"name":"é"}}',
      headers: {
        host: base.host,
        'content-type': 'application/json',
        authorization: 'AWS4-HMAC-SHA256 Credential=test',
        // Bytes, not characters: é is two.
        'content-length': '53',
      },
    });
    expect(received[1]?.socketPort).toBe(received[0]?.socketPort);
  });

  it('rejects when the signal fires before an answer', async () => {
    await expect(post('/silent', AbortSignal.timeout(100))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects an answer cut short instead of returning part of it', async () => {
    await expect(post('/cut')).rejects.toThrow();
  });
});
