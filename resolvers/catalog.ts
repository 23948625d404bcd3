// Every resolver of the API, read from the file names (contracts: `Type.field.[dataSource].ts`, or
// a folder `Type.field/` with `index.ts` and `N.name.[dataSource].ts` functions), and their
// esbuild bundles. The CDK app and the local AppSync both use this; neither scans files itself.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { limits } from '../contracts/names.ts';

export interface FunctionEntry {
  name: string;
  dataSource: string;
  /** Absolute path. */
  source: string;
}

export interface ResolverEntry {
  typeName: string;
  fieldName: string;
  kind: 'unit' | 'pipeline';
  /** Unit resolvers only. */
  dataSource?: string;
  /** Pipeline resolvers: their functions in order (empty for unit resolvers). */
  functions: FunctionEntry[];
  /** Absolute path of the unit file or of the pipeline's index.ts. */
  source: string;
  /** BatchInvoke resolvers: how many sources AppSync batches into one invocation. */
  maxBatchSize?: number;
}

/** AppSync's limit on a resolver's or function's code. */
export const maxCodeBytes = 32 * 1024;

/**
 * BatchInvoke resolvers' batch sizes (AppSync's maxBatchSize), here once for the CDK app and the
 * local stack: a page holds at most 100 images (listImages' and searchImages' limit), so one page's
 * URLs are one sign-urls invocation.
 */
const batchSizes: Record<string, number> = {
  'Image.thumbnails': limits.listMaxLimit,
  'Image.originalUrl': limits.listMaxLimit,
};

const defaultRoot = dirname(fileURLToPath(import.meta.url));
const unitName = /^([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.\[([A-Za-z][A-Za-z0-9]*)\]\.ts$/;
const pipelineName = /^([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const functionName = /^(\d+)\.([A-Za-z][A-Za-z0-9]*)\.\[([A-Za-z][A-Za-z0-9]*)\]\.ts$/;

/** Support code (shared helpers, tests, this file) starts lower-case; type names start upper-case. */
function isResolverName(name: string): boolean {
  return /^[A-Z]/.test(name) && !name.endsWith('.test.ts');
}

function readPipeline(folder: string, typeName: string, fieldName: string): ResolverEntry {
  const index = join(folder, 'index.ts');
  if (!existsSync(index)) throw new Error(`pipeline resolver ${folder} has no index.ts`);
  const numbered: { order: number; entry: FunctionEntry }[] = [];
  for (const name of readdirSync(folder)) {
    if (name === 'index.ts' || name.endsWith('.test.ts')) continue;
    const m = functionName.exec(name);
    if (!m)
      throw new Error(`malformed pipeline function name ${join(folder, name)} (want N.name.[dataSource].ts)`);
    const [, order, fn, dataSource] = m as unknown as [string, string, string, string];
    numbered.push({ order: Number(order), entry: { name: fn, dataSource, source: join(folder, name) } });
  }
  numbered.sort((a, b) => a.order - b.order);
  for (let i = 1; i < numbered.length; i += 1) {
    if (numbered[i]?.order === numbered[i - 1]?.order) {
      throw new Error(`two functions numbered ${numbered[i]?.order} in ${folder}`);
    }
  }
  if (numbered.length === 0) throw new Error(`pipeline resolver ${folder} has no functions`);
  return {
    typeName,
    fieldName,
    kind: 'pipeline',
    functions: numbered.map((n) => n.entry),
    source: index,
  };
}

/** Lists the resolvers under `root`, sorted by type and field; throws on a malformed name or a duplicate field. */
export function listResolvers(root: string = defaultRoot): ResolverEntry[] {
  const entries: ResolverEntry[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(root).sort()) {
    if (!isResolverName(name)) continue;
    const path = resolve(root, name);
    let entry: ResolverEntry;
    if (statSync(path).isDirectory()) {
      const m = pipelineName.exec(name);
      if (!m) throw new Error(`malformed pipeline folder name ${path} (want Type.field)`);
      entry = readPipeline(path, m[1] as string, m[2] as string);
    } else {
      const m = unitName.exec(name);
      if (!m) throw new Error(`malformed resolver file name ${path} (want Type.field.[dataSource].ts)`);
      const [, typeName, fieldName, dataSource] = m as unknown as [string, string, string, string];
      entry = { typeName, fieldName, kind: 'unit', dataSource, functions: [], source: path };
    }
    const field = `${entry.typeName}.${entry.fieldName}`;
    const previous = seen.get(field);
    if (previous) throw new Error(`${field} has two resolvers: ${previous} and ${path}`);
    seen.set(field, path);
    const batch = batchSizes[field];
    entries.push(batch === undefined ? entry : { ...entry, maxBatchSize: batch });
  }
  return entries;
}

/** Bundles one resolver or function file to ESM (utils external); throws past AppSync's 32 KB. */
export function bundleResolverCode(source: string): string {
  const result = buildSync({
    entryPoints: [source],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    external: ['@aws-appsync/utils', '@aws-appsync/utils/*'],
    sourcemap: false,
    minify: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced nothing for ${source}`);
  if (file.contents.byteLength > maxCodeBytes) {
    throw new Error(`${source} bundles to ${file.contents.byteLength} bytes, over AppSync's ${maxCodeBytes}`);
  }
  return file.text;
}
