/**
 * Test support: one provider's `handle` on a free loopback port, its bodies read as the edge reads
 * them, for tests that call a provider directly (no routing, no signature check).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './edge.ts';
import type { EdgeRequest } from './provider.ts';

export interface ServedProvider {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  close(): Promise<void>;
}

export async function serveProvider(
  handle: (request: EdgeRequest) => Promise<void>,
): Promise<ServedProvider> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    readBody(req)
      .then((body) => {
        if (!body) throw new Error('request body over the edge limit');
        return handle({ req, res, url, body });
      })
      .catch((error: unknown) => res.destroy(error instanceof Error ? error : undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
