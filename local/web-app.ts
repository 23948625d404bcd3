/**
 * Serves the web client (`web/dist`, built by Vite) under /app/ on the edge port — same origin
 * as the API — with the stack's `amplify_outputs.json` beside its index.html.
 * LIMITATIONS: no compression or range requests; unknown paths under /app/ get index.html.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EdgeRequest, Provider, ProviderHealth } from './provider.ts';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const webDistDir = path.join(repositoryRoot, 'web', 'dist');
export const webBasePath = '/app/';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export class WebAppProvider implements Provider {
  readonly name = 'web';
  private built = false;

  constructor(
    private readonly outputs: () => unknown,
    private readonly distDir = webDistDir,
  ) {}

  async start(): Promise<void> {
    this.built = await stat(path.join(this.distDir, 'index.html')).then(
      () => true,
      () => false,
    );
  }

  async stop(): Promise<void> {}
  async reset(): Promise<void> {}

  health(): ProviderHealth {
    return this.built
      ? { ready: true, detail: `serving ${webBasePath}` }
      : { ready: true, detail: 'web client not built (npm run build:web)' };
  }

  async handle({ req, res, url }: EdgeRequest): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/app') {
      res.writeHead(301, { location: webBasePath }).end();
      return;
    }
    const relative = decodeURIComponent(url.pathname.slice(webBasePath.length));
    if (relative === 'amplify_outputs.json') {
      const text = JSON.stringify(this.outputs());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(text);
      return;
    }
    // Resolve inside dist only: `..` can never climb out.
    const file = path.join(this.distDir, path.normalize(`/${relative}`));
    const found = await readFile(file).catch(() => undefined);
    const isAsset = relative.startsWith('assets/');
    const body =
      found ??
      (isAsset ? undefined : await readFile(path.join(this.distDir, 'index.html')).catch(() => undefined));
    if (!body) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(
          this.built
            ? 'not found'
            : 'The web client is not built: run npm run build:web (npm start does it).',
        );
      return;
    }
    const type = found
      ? (contentTypes[path.extname(file)] ?? 'application/octet-stream')
      : contentTypes['.html'];
    res.writeHead(200, {
      'content-type': type ?? 'application/octet-stream',
      // Vite fingerprints assets; index.html must always be fresh.
      'cache-control': isAsset && found ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
