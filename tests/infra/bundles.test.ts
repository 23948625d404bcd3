/**
 * Function bundles, built with esbuild the way NodejsFunction builds them (infra/functions.ts
 * `bundlingOptions`): each within its size budget, with the runtime's AWS SDK left external except
 * where a function needs a newer client than the runtime ships.
 *
 * The sharp-based functions (inspect, thumbnails, analyse, flag) are within budget for their
 * JavaScript too, but deploy sharp and libvips for linux-arm64 beside it, which the 1 MiB budget
 * excepts: each of their assets is ≈ 22 MB unzipped (`npm run synth`, 2026-11-30). Figures: every
 * bundle ≈ 600 KiB of minified JS, of which zod is ≈ 440 KiB.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildResult, build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FunctionId,
  functionSpecs,
  handlerEntry,
  preTrafficHook,
} from '../../contracts/function-specs.ts';
import { bundledSdk, bundlingOptions, runtimeSdk, sharpFunctions } from '../../infra/functions.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** Minified JavaScript per function (source maps excluded: Lambda loads them only when asked). */
const bundleBudgetBytes = 1024 * 1024;

type BundleId = FunctionId | 'preTrafficHook';
const entries: [BundleId, string][] = [
  ...(Object.entries(functionSpecs) as [FunctionId, (typeof functionSpecs)[FunctionId]][]).map(
    ([id, spec]) => [id, handlerEntry(spec)] as [BundleId, string],
  ),
  ['preTrafficHook', path.join(root, 'functions', preTrafficHook.folder, 'handler.ts')],
];

interface Bundle {
  bytes: number;
  metafile: Metafile;
}
const bundles = new Map<BundleId, Bundle>();

async function bundle(id: BundleId, entry: string): Promise<Bundle> {
  const options = bundlingOptions(id);
  const result: BuildResult<{ metafile: true; write: false }> = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'out',
    metafile: true,
    logLevel: 'silent',
    platform: 'node',
    format: 'esm',
    target: options.target,
    mainFields: options.mainFields,
    minify: options.minify,
    banner: { js: options.banner ?? '' },
    external: options.externalModules,
  });
  const js = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  return { bytes: js.reduce((sum, file) => sum + file.contents.byteLength, 0), metafile: result.metafile };
}

beforeAll(async () => {
  const built = await Promise.all(entries.map(async ([id, entry]) => [id, await bundle(id, entry)] as const));
  for (const [id, result] of built) bundles.set(id, result);
  console.log(
    `bundles (minified JS): ${built.map(([id, b]) => `${id} ${(b.bytes / 1024).toFixed(0)} KiB`).join(', ')}`,
  );
}, 60_000);

function bundledInputs(id: BundleId): string[] {
  return Object.keys((bundles.get(id) as Bundle).metafile.inputs);
}

function externalImports(id: BundleId): string[] {
  return Object.values((bundles.get(id) as Bundle).metafile.outputs).flatMap((out) =>
    out.imports.filter((i) => i.external).map((i) => i.path),
  );
}

describe('function bundles', () => {
  it.each(entries.map(([id]) => id))('%s stays within 1 MiB of minified JavaScript', (id) => {
    expect((bundles.get(id) as Bundle).bytes).toBeLessThanOrEqual(bundleBudgetBytes);
  });

  it.each(entries.map(([id]) => id))("%s leaves exactly the runtime's AWS SDK (and sharp) external", (id) => {
    const sdkInside = bundledInputs(id).filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input));
    const externals = externalImports(id);
    if (bundledSdk[id as FunctionId]) {
      expect(sdkInside.length).toBeGreaterThan(0);
      expect(externals.filter((e) => e.startsWith('@aws-sdk/'))).toEqual([]);
    } else {
      expect(sdkInside).toEqual([]);
      expect(bundlingOptions(id).externalModules).toEqual(expect.arrayContaining(runtimeSdk));
    }
    expect(externals.includes('sharp')).toBe(sharpFunctions.has(id as FunctionId));
  });

  it.each(entries.map(([id]) => id))(
    '%s bundles its own SDK if its code uses S3 conditional writes (newer than the runtime SDK)',
    (id) => {
      const ownSources = bundledInputs(id).filter((input) => !input.includes('node_modules'));
      const conditional = ownSources.some((input) =>
        /\bIf(None)?Match\b/.test(readFileSync(path.resolve(root, input), 'utf8')),
      );
      expect(Boolean(bundledSdk[id as FunctionId]), id).toBe(conditional);
    },
  );

  it('tree-shakes Powertools: only the ESM builds of logger, metrics, tracer and commons', () => {
    const powertools = bundledInputs('inspect').filter((input) => input.includes('@aws-lambda-powertools/'));
    expect(powertools.length).toBeGreaterThan(0);
    for (const input of powertools) {
      expect(input).toMatch(/@aws-lambda-powertools\/(logger|metrics|tracer|commons)\/lib\/esm\//);
    }
  });
});
