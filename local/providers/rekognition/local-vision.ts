/** Adapts the local analyser (local/vision: model workers + Rekognition responses) to VisionEngine. */
import type { LabelOptions, VisionEngine } from './engine.ts';

/** Loads local/vision lazily: its models cost seconds and memory only when vision is on. */
export async function createLocalVisionEngine(): Promise<VisionEngine> {
  const [{ VisionEngine: Analyser }, { handleRekognition }] = await Promise.all([
    import('../../vision/engine.ts'),
    import('../../vision/rekognition-api.ts'),
  ]);
  const analyser = new Analyser();
  const answer = (operation: string, bytes: Buffer, options: LabelOptions = {}) =>
    handleRekognition(
      operation,
      {
        Image: { Bytes: bytes.toString('base64') },
        ...(options.maxLabels === undefined ? {} : { MaxLabels: options.maxLabels }),
        ...(options.minConfidence === undefined ? {} : { MinConfidence: options.minConfidence }),
      },
      { analyse: (image) => analyser.analyse(image), readS3Object: async () => undefined },
    );
  return {
    ready: analyser.ready,
    status: () => {
      const { ready, loadMs, error } = analyser.status();
      return {
        ready,
        detail: error ?? (ready ? `local vision loaded in ${loadMs ?? '?'} ms` : 'loading models'),
      };
    },
    detectLabels: (bytes, options) => answer('DetectLabels', bytes, options),
    detectFaces: (bytes) => answer('DetectFaces', bytes),
    detectModerationLabels: (bytes, options) => answer('DetectModerationLabels', bytes, options),
    stop: () => analyser.stop(),
  };
}
