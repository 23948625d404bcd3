/**
 * Tests only: a GraphQL endpoint on 127.0.0.1 (a free port) that answers every POST with the
 * answer a test sets, and records what it received, so a handler's signed AppSync call is tested
 * over real HTTP rather than through a stubbed global.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface GraphQLEndpoint {
  /** `http://127.0.0.1:<port>/graphql`. */
  url: string;
  received: ReceivedPost[];
  /** Every following POST is answered 200 with this JSON. */
  answer(json: unknown): void;
  /** Forgets what was received. */
  reset(): void;
  close(): Promise<void>;
}

export async function startGraphQLEndpoint(): Promise<GraphQLEndpoint> {
  const received: ReceivedPost[] = [];
  let answer: unknown = { data: null };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    received,
    answer(json) {
      answer = json;
    },
    reset() {
      received.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
