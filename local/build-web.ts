/** Builds the web client with Vite when its sources are newer than `web/dist` (npm start, tests). */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sources = ['web/src', 'web/index.html', 'web/vite.config.ts', 'client-sdk'];

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(target, { withFileTypes: true });
  const times = await Promise.all(
    entries
      .filter((entry) => !entry.name.endsWith('.test.ts'))
      .map((entry) => newestMtime(path.join(target, entry.name))),
  );
  return Math.max(info.mtimeMs, ...times);
}

/** Returns whether it built. */
export async function ensureWebBuilt(log: (line: string) => void = console.info): Promise<boolean> {
  const built =
    (await stat(path.join(repositoryRoot, 'web/dist/index.html')).catch(() => undefined))?.mtimeMs ?? 0;
  const changed = Math.max(
    ...(await Promise.all(sources.map((s) => newestMtime(path.join(repositoryRoot, s))))),
  );
  if (built > changed) return false;
  log('darkroom: building the web client (vite) …');
  const { build } = await import('vite');
  await build({ configFile: path.join(repositoryRoot, 'web/vite.config.ts'), logLevel: 'warn' });
  return true;
}
