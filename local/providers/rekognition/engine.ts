/**
 * What the Rekognition provider asks of a vision engine, and the engine used when vision is off:
 * valid, EMPTY answers (never invented labels).
 */

export interface LabelOptions {
  maxLabels?: number;
  minConfidence?: number;
}

export interface VisionEngine {
  /** Settles when the engine can answer (models loaded); calls made before wait for it. */
  readonly ready: Promise<void>;
  status(): { ready: boolean; detail: string };
  detectLabels(bytes: Buffer, options: LabelOptions): Promise<object>;
  detectFaces(bytes: Buffer): Promise<object>;
  detectModerationLabels(bytes: Buffer, options: LabelOptions): Promise<object>;
  stop(): Promise<void>;
}

/** Answers every call with a valid empty result; says so once in the log. */
export class EmptyVisionEngine implements VisionEngine {
  readonly ready = Promise.resolve();
  private told = false;

  constructor(private readonly log: (line: string) => void = (line) => console.info(line)) {}

  status() {
    return { ready: true, detail: 'vision off: valid empty results' };
  }

  private tell(): void {
    if (this.told) return;
    this.told = true;
    this.log(
      '[rekognition] vision is off: DetectLabels/DetectFaces/DetectModerationLabels answer valid EMPTY results',
    );
  }

  async detectLabels(): Promise<object> {
    this.tell();
    return { Labels: [], LabelModelVersion: '3.0' };
  }

  async detectFaces(): Promise<object> {
    this.tell();
    return { FaceDetails: [] };
  }

  async detectModerationLabels(): Promise<object> {
    this.tell();
    return { ModerationLabels: [], ModerationModelVersion: '7.0' };
  }

  async stop(): Promise<void> {}
}
