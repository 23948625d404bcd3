/**
 * Local Rekognition: DetectLabels, DetectFaces and DetectModerationLabels over Rekognition's JSON
 * protocol, answered by a VisionEngine (the local analyser, or valid empty results when vision is
 * off). Faults (`service: 'rekognition'`, match = the S3 key) give canned answers and errors.
 *
 * LIMITATIONS
 * - Only the three Detect* operations; no collections, videos, custom labels.
 * - With vision off every answer is empty (no labels, no faces, nothing unsafe).
 * - Image.S3Object reads the local S3 provider; the size and format checks are the engine's.
 * - IAM: a function's call needs `rekognition:<Operation>` (AccessDeniedException otherwise) and,
 *   as Rekognition reads S3 with the caller's permissions, s3:GetObject (s3:GetObjectVersion with
 *   a Version) on the object (InvalidS3ObjectException otherwise).
 */

import { applyLatency } from '../../faults.ts';
import type { Authorizer } from '../../iam/local-iam.ts';
import { readJsonObject } from '../../json-body.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import type { VisionEngine } from './engine.ts';
import { checkDetectOptions, checkImage } from './request-rules.ts';

const targetPrefix = 'RekognitionService.';

export interface RekognitionProviderOptions extends ProviderContext {
  engine: VisionEngine;
  /** The object's bytes from the local S3, or undefined when there is no such object. */
  readS3Object: (bucket: string, key: string, version?: string) => Promise<Buffer | undefined>;
  /** Who may do what; callers are not checked unless given (the edge verified their signature). */
  authorizer?: Authorizer;
}

interface DetectRequest {
  Image?: { Bytes?: unknown; S3Object?: { Bucket?: unknown; Name?: unknown; Version?: unknown } };
  MaxLabels?: unknown;
  MinConfidence?: unknown;
}

/** Detect* calls answered since the last reset: in all, and per S3 object name (`Image.Bytes` calls count in the total only). */
export interface RekognitionCalls {
  total: number;
  byObject: Record<string, number>;
}

const optionalNumber = (value: unknown) => (typeof value === 'number' ? value : undefined);

export class RekognitionProvider implements Provider {
  readonly name = 'rekognition';
  private started = false;
  private counted: RekognitionCalls = { total: 0, byObject: {} };

  constructor(private readonly options: RekognitionProviderOptions) {}

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.options.engine.stop();
  }

  async reset(): Promise<void> {
    this.counted = { total: 0, byObject: {} };
  }

  /** What the stack's callers would pay for: every authorised call, answered or failed. */
  calls(): RekognitionCalls {
    return { total: this.counted.total, byObject: { ...this.counted.byObject } };
  }

  private count(s3Key: unknown): void {
    this.counted.total += 1;
    if (typeof s3Key === 'string') this.counted.byObject[s3Key] = (this.counted.byObject[s3Key] ?? 0) + 1;
  }

  health(): ProviderHealth {
    // Models load in the background; calls made meanwhile wait, but health says so.
    const engine = this.options.engine.status();
    return { ready: this.started && engine.ready, detail: engine.detail };
  }

  private async bytesOf(image: DetectRequest['Image'], caller?: string): Promise<Buffer> {
    if (image?.Bytes !== undefined) {
      if (typeof image.Bytes !== 'string')
        throw new AwsError('InvalidParameterException', 'Image.Bytes must be base64');
      const bytes = Buffer.from(image.Bytes, 'base64');
      checkImage(bytes, 'bytes');
      return bytes;
    }
    const { Bucket, Name, Version } = image?.S3Object ?? {};
    if (typeof Bucket !== 'string' || typeof Name !== 'string') {
      throw new AwsError(
        'InvalidParameterException',
        'Exactly one of Image.Bytes and Image.S3Object must be given',
      );
    }
    const unreadable = new AwsError(
      'InvalidS3ObjectException',
      'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
    );
    const { authorizer } = this.options;
    if (caller !== undefined && authorizer) {
      const verdict = authorizer.authorize(caller, {
        action: typeof Version === 'string' ? 's3:GetObjectVersion' : 's3:GetObject',
        resource: `arn:aws:s3:::${Bucket}/${Name}`,
      });
      if (!verdict.allowed) throw unreadable;
    }
    const bytes = await this.options.readS3Object(
      Bucket,
      Name,
      typeof Version === 'string' ? Version : undefined,
    );
    if (!bytes) throw unreadable;
    checkImage(bytes, 's3');
    return bytes;
  }

  /**
   * Answers one operation; the shape every caller (HTTP or in-process) gets. `caller` is the
   * verified access key id of an HTTP caller, whose policy is checked.
   */
  async detect(operation: string, request: DetectRequest, caller?: string): Promise<object> {
    const { authorizer } = this.options;
    if (caller !== undefined && authorizer) {
      const verdict = authorizer.authorize(caller, {
        action: `rekognition:${operation}`,
        resource: '*',
      });
      if (!verdict.allowed) throw new AwsError('AccessDeniedException', verdict.message);
    }
    const s3Key = request.Image?.S3Object?.Name;
    this.count(s3Key);
    const fault = this.options.faults.find(
      'rekognition',
      operation,
      typeof s3Key === 'string' ? [s3Key] : [],
    );
    await applyLatency(fault);
    if (fault?.error) throw new AwsError(fault.error, fault.message ?? 'injected fault', fault.status ?? 400);
    if (fault && fault.response !== undefined) return fault.response as object;
    checkDetectOptions(request);
    const { engine } = this.options;
    const options = {
      maxLabels: optionalNumber(request.MaxLabels),
      minConfidence: optionalNumber(request.MinConfidence),
    };
    switch (operation) {
      case 'DetectLabels':
        return engine.detectLabels(await this.bytesOf(request.Image, caller), options);
      case 'DetectFaces':
        return engine.detectFaces(await this.bytesOf(request.Image, caller));
      case 'DetectModerationLabels':
        return engine.detectModerationLabels(await this.bytesOf(request.Image, caller), options);
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The local Rekognition does not implement ${operation}`,
        );
    }
  }

  async handle({ req, res, body, caller }: EdgeRequest): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : target;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      sendJson(res, status, payload, { 'content-type': 'application/x-amz-json-1.1', ...headers });
    const read = readJsonObject(body);
    if (!read.ok) {
      send(400, { __type: read.code, message: read.message }, { 'x-amzn-errortype': read.code });
      return;
    }
    try {
      send(200, await this.detect(operation, read.value as DetectRequest, caller));
    } catch (error) {
      if (error instanceof SyntaxError) {
        send(400, { __type: 'SerializationException', message: 'Malformed JSON body' });
      } else if (error instanceof AwsError) {
        send(
          error.status,
          { __type: error.code, Message: error.message, message: error.message },
          { 'x-amzn-errortype': error.code },
        );
      } else {
        throw error;
      }
    }
  }
}
