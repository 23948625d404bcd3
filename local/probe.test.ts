import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answersHttp, waitUntilReady, withinDeadline } from './probe.ts';

const servers: Array<net.Server | http.Server> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Accepts connections and reads requests, and never answers one. */
async function silentServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = server.close.bind(server);
  server.close = (callback) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return (server.address() as AddressInfo).port;
}

async function answeringServer(): Promise<number> {
  const server = http.createServer((_req, res) => res.end('{}'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the readiness probe', () => {
  it('gives up on a server that accepts the request and never answers', async () => {
    const port = await silentServer();

    expect(await answersHttp({ port, timeoutMs: 200 })).toBe(false);
  });

  it('says yes to a server that answers, and no to a closed port', async () => {
    const port = await answeringServer();
    expect(await answersHttp({ port, timeoutMs: 2_000 })).toBe(true);

    const closed = await silentServer();
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await answersHttp({ port: closed, timeoutMs: 2_000 })).toBe(false);
  });

  it('fails a wait on a silent server with an error naming the part, instead of hanging', async () => {
    const port = await silentServer();

    await expect(
      waitUntilReady({
        what: 'DynamoDB Local',
        probe: () => answersHttp({ port, timeoutMs: 100 }),
        deadlineMs: 500,
        intervalMs: 50,
      }),
    ).rejects.toThrow('DynamoDB Local did not answer within 0.5 s');
  });

  it('stops waiting at once when the part reports it cannot come up', async () => {
    await expect(
      waitUntilReady({
        what: 'DynamoDB Local',
        probe: async () => false,
        failed: () => 'it exited with code 1',
        deadlineMs: 60_000,
        intervalMs: 10,
      }),
    ).rejects.toThrow('DynamoDB Local did not come up: it exited with code 1');
  });
});

describe('withinDeadline', () => {
  it('names the part whose start never settles', async () => {
    await expect(withinDeadline(new Promise(() => {}), 50, 'the dynamodb provider')).rejects.toThrow(
      'the dynamodb provider did not come up within 0.05 s',
    );
    await expect(withinDeadline(Promise.resolve(7), 50, 'x')).resolves.toBe(7);
  });
});
