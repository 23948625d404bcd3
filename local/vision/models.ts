/**
 * Loads and runs the vision models (in whichever thread calls it; the engine runs it in a
 * worker): @vladmandic/human on the tfjs WebAssembly backend for faces (blazeface) and objects
 * (centernet, 80 COCO classes), and nsfwjs (MobileNetV2) for moderation. Every model file comes
 * from node_modules: nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { clipBox, type Detections } from './detections.ts';

const require = createRequire(import.meta.url);

/** A package's folder, found the way Node looks for it (human's exports map hides package.json). */
function packageDir(name: string): string {
  const found = (require.resolve.paths(name) ?? []).map((dir) => path.join(dir, name)).find(existsSync);
  if (!found) throw new Error(`${name} is not installed: run npm ci`);
  return found;
}

const humanDir = packageDir('@vladmandic/human');
const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');

/** The side the image is scaled to before detection: the detectors work at ≤ 512 px anyway. */
const DETECT_SIDE = 800;

interface Tensor {
  dispose(): void;
}
interface Tf {
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  io: { registerLoadRouter(router: (url: string | string[]) => unknown): void };
}
interface HumanResult {
  face: { boxScore?: number; score: number; boxRaw: number[] }[];
  object: { label: string; score: number; boxRaw: number[] }[];
}
interface Human {
  load(): Promise<void>;
  detect(input: Tensor): Promise<HumanResult>;
}
interface NsfwModel {
  classify(input: Tensor): Promise<{ className: string; probability: number }[]>;
}

export interface LoadedModels {
  detect(image: Buffer): Promise<Detections>;
  loadMs: number;
}

interface WeightsManifestGroup {
  paths: string[];
  weights: unknown[];
}

/** tfjs-node would load `file://` URLs, but its install downloads a binary: read them ourselves. */
function registerFileLoader(tf: Tf): void {
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = url.slice('file://'.length);
    return {
      async load() {
        const model = JSON.parse(await readFile(file, 'utf8')) as {
          weightsManifest: WeightsManifestGroup[];
        } & Record<string, unknown>;
        const dir = path.dirname(file);
        const weights = await Promise.all(
          model.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(dir, p)))),
        );
        const data = Buffer.concat(weights);
        return {
          modelTopology: model.modelTopology,
          format: model.format,
          generatedBy: model.generatedBy,
          convertedBy: model.convertedBy,
          signature: model.signature,
          userDefinedMetadata: model.userDefinedMetadata,
          weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
          weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        };
      },
    };
  });
}

export async function loadModels(): Promise<LoadedModels> {
  const started = performance.now();
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
  wasm.setWasmPaths(`${wasmDir}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  registerFileLoader(tf);

  // human's package exports map is malformed for its wasm build: load the file by path.
  const { Human } = require(path.join(humanDir, 'dist', 'human.node-wasm.js')) as {
    Human: new (config: object) => Human;
  };
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${wasmDir}/`,
    modelBasePath: `file://${path.join(humanDir, 'models')}/`,
    debug: false,
    // The default finds one face: a group photo needs many.
    face: {
      enabled: true,
      detector: { maxDetected: 50, rotation: false, minConfidence: 0.3, return: false },
      mesh: { enabled: false },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    object: { enabled: true, maxDetected: 30, minConfidence: 0.2 },
    segmentation: { enabled: false },
    filter: { enabled: false },
    cacheSensitivity: 0,
  });
  const nsfwjs = require('nsfwjs') as { load(name: string): Promise<NsfwModel> };
  const [, nsfw] = await Promise.all([human.load(), silently(() => nsfwjs.load('MobileNetV2'))]);

  const detect = async (image: Buffer): Promise<Detections> => {
    // EXIF-orient first so boxes are ratios of the image people see (and the thumbnails show).
    const { data, info } = await sharp(image, { limitInputPixels: 40_000_000, animated: false })
      .rotate()
      .resize(DETECT_SIDE, DETECT_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const tensor = tf.tensor3d(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      [info.height, info.width, 3],
      'int32',
    );
    try {
      const [result, classes] = await Promise.all([human.detect(tensor), nsfw.classify(tensor)]);
      return {
        width: info.width,
        height: info.height,
        objects: result.object.map((o) => ({ label: o.label, score: o.score, box: clipBox(o.boxRaw) })),
        faces: result.face.map((f) => ({ score: f.boxScore ?? f.score, box: clipBox(f.boxRaw) })),
        nsfw: classes,
      };
    } finally {
      tensor.dispose();
    }
  };
  // One warm-up pass compiles the wasm kernels, so the first real image is not 3× slower.
  await detect(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  );
  return { detect, loadMs: Math.round(performance.now() - started) };
}

/** nsfwjs prints a hint to the console on every load; the stack's log has no use for it. */
async function silently<T>(load: () => Promise<T>): Promise<T> {
  const info = console.info;
  console.info = () => {};
  try {
    return await load();
  } finally {
    console.info = info;
  }
}
