/**
 * One HTTP(S) POST with node:http on a keep-alive agent, answered as status and text: the AppSync
 * client's transport. undici's `fetch` costs ≈ 0.3 CPU-ms more per request (WHATWG streams,
 * Headers, Response), and the pipeline publishes five times per image (docs/pipeline-cpu.md).
 */
import http from 'node:http';
import https from 'node:https';

export interface PostRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** Aborts the request (and a response still arriving): the attempt then rejects. */
  signal?: AbortSignal;
}

export interface PostAnswer {
  status: number;
  text: string;
}

/** One connection pool per protocol for the whole process, as the SDK clients keep theirs. */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export function httpPost(request: PostRequest): Promise<PostAnswer> {
  const { url, headers, body, signal } = request;
  const transport = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      url,
      {
        method: 'POST',
        // Host comes from the URL (the value that was signed).
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent,
        ...(signal ? { signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
        // A connection cut (or aborted) mid-body ends without 'end': that is a failed attempt.
        response.on('close', () => {
          if (!response.complete) reject(new Error('the answer was cut short'));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
