// `npm run build:resolvers`: bundles every resolver and pipeline function to dist/resolvers/,
// mirroring the source layout, and prints each bundle's size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleResolverCode, listResolvers } from './catalog.ts';

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, '..', 'dist', 'resolvers');

function bundlePathOf(source: string): string {
  return join(out, relative(root, source).replace(/\.ts$/, '.js'));
}

function writeBundle(source: string): void {
  const code = bundleResolverCode(source);
  const target = bundlePathOf(source);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  console.log(`${String(Buffer.byteLength(code)).padStart(6)} B  ${relative(process.cwd(), target)}`);
}

for (const entry of listResolvers(root)) {
  writeBundle(entry.source);
  for (const fn of entry.functions) writeBundle(fn.source);
}
