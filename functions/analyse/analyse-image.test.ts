import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { jpeg, orientedJpeg, pngWithAlpha, webp } from '../test-support/images.ts';
import { s3Stub, stubVersionId } from '../test-support/s3-stub.ts';
import { analyseImage } from './analyse-image.ts';

const key = 'uploads/owner-1/img-1/original';
const rekognitionClient = new RekognitionClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const rekognition = mockClient(rekognitionClient);

beforeEach(() => {
  rekognition.reset();
  rekognition.on(DetectLabelsCommand).resolves({
    Labels: [
      { Name: 'Person', Confidence: 99.1, Parents: [] },
      { Name: 'Astronaut', Confidence: 91.5, Parents: [{ Name: 'Person' }, { Name: 'Space' }] },
    ],
  });
  rekognition.on(DetectFacesCommand).resolves({
    FaceDetails: [{ BoundingBox: { Left: 0.4, Top: 0.1, Width: 0.2, Height: 0.3 }, Confidence: 99.9 }],
  });
  rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });
});

/** The one Image every Detect* call was given (they must agree). */
function imageSent() {
  const images = [
    ...rekognition.commandCalls(DetectLabelsCommand),
    ...rekognition.commandCalls(DetectFacesCommand),
    ...rekognition.commandCalls(DetectModerationLabelsCommand),
  ].map((call) => call.args[0].input.Image);
  expect(images).toHaveLength(3);
  expect(images[1]).toBe(images[0]);
  expect(images[2]).toBe(images[0]);
  return images[0];
}

describe('analyseImage', () => {
  it('lets Rekognition read an upright JPEG from S3 and maps the three answers to the Analysis', async () => {
    // Prepare
    const bytes = await jpeg(800, 600);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    const analysis = await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 800,
        height: 600,
        format: 'jpeg',
        bytes: bytes.length,
        orientation: 1,
      },
    );

    // Assess
    expect(imageSent()).toEqual({ S3Object: { Bucket: 'bucket', Name: key, Version: stubVersionId } });
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(rekognition.commandCalls(DetectLabelsCommand)[0]?.args[0].input).toMatchObject({
      MaxLabels: 10,
      MinConfidence: 70,
    });
    expect(rekognition.commandCalls(DetectFacesCommand)[0]?.args[0].input).toMatchObject({
      Attributes: ['DEFAULT'],
    });
    expect(rekognition.commandCalls(DetectModerationLabelsCommand)[0]?.args[0].input).toMatchObject({
      MinConfidence: 60,
    });
    expect(analysis).toEqual({
      labels: [
        { name: 'Person', confidence: 99.1, parents: [] },
        { name: 'Astronaut', confidence: 91.5, parents: ['Person', 'Space'] },
      ],
      faceCount: 1,
      faces: [{ boundingBox: { left: 0.4, top: 0.1, width: 0.2, height: 0.3 }, confidence: 99.9 }],
      moderationLabels: [],
      isSafe: true,
    });
  });

  it('marks an image with moderation labels unsafe, with null for a top-level label’s parent', async () => {
    // Prepare
    rekognition.on(DetectModerationLabelsCommand).resolves({
      ModerationLabels: [
        { Name: 'Explicit', ParentName: '', Confidence: 97.2 },
        { Name: 'Explicit Nudity', ParentName: 'Explicit', Confidence: 95.4 },
      ],
    });
    const bytes = await jpeg(400, 300);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    const analysis = await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 400,
        height: 300,
        format: 'jpeg',
        bytes: bytes.length,
        orientation: 1,
      },
    );

    // Assess
    expect(analysis.isSafe).toBe(false);
    expect(analysis.moderationLabels).toEqual([
      { name: 'Explicit', parentName: null, confidence: 97.2 },
      { name: 'Explicit Nudity', parentName: 'Explicit', confidence: 95.4 },
    ]);
  });

  it('sends an EXIF-rotated JPEG as the bytes of an upright JPEG, so face boxes match the thumbnails', async () => {
    // Prepare: stored 800×400, displayed 400×800
    const bytes = await orientedJpeg(800, 400, 6);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 400,
        height: 800,
        format: 'jpeg',
        bytes: bytes.length,
        orientation: 6,
      },
    );

    // Assess
    const image = imageSent();
    expect(image?.S3Object).toBeUndefined();
    const metadata = await sharp(image?.Bytes).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.orientation]).toEqual([
      'jpeg',
      400,
      800,
      undefined,
    ]);
  });

  it('reads the orientation from the object’s header when the event does not carry it', async () => {
    // Prepare
    const bytes = await orientedJpeg(800, 400, 8);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 400,
        height: 800,
        format: 'jpeg',
        bytes: bytes.length,
      },
    );

    // Assess
    const reads = s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range);
    expect(reads).toEqual(['bytes=0-262143', undefined]);
    const metadata = await sharp(imageSent()?.Bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([400, 800]);
  });

  it('sends a WebP as JPEG bytes', async () => {
    const bytes = await webp(640, 480);
    const s3 = s3Stub({ [key]: bytes });

    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 640,
        height: 480,
        format: 'webp',
        bytes: bytes.length,
        orientation: 1,
      },
    );

    const metadata = await sharp(imageSent()?.Bytes).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', 640, 480]);
  });

  it('sends a PNG over 15 MB as JPEG bytes, alpha flattened', async () => {
    // Prepare: the routing looks at the object's size; the bytes themselves stay small here
    const bytes = await pngWithAlpha(640, 480);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 640,
        height: 480,
        format: 'png',
        bytes: 15 * 1024 * 1024 + 1,
        orientation: 1,
      },
    );

    // Assess
    const metadata = await sharp(imageSent()?.Bytes).metadata();
    expect([metadata.format, metadata.hasAlpha]).toEqual(['jpeg', false]);
  });

  it('reads the version the event names, not the latest one, when it sends bytes', async () => {
    // Prepare: a second upload replaced the original after the first one claimed the item
    const claimed = await webp(640, 480);
    const s3 = s3Stub({ [key]: await webp(240, 480) }, { [key]: { 'v-claimed': claimed } });

    // Act
    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: 'v-claimed',
        width: 640,
        height: 480,
        format: 'webp',
        bytes: claimed.length,
        orientation: 1,
      },
    );

    // Assess
    const metadata = await sharp(imageSent()?.Bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([640, 480]);
    expect(s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.VersionId)).toEqual([
      'v-claimed',
    ]);
  });

  it('enlarges an image under Rekognition’s 80 px minimum side', async () => {
    const bytes = await jpeg(120, 40);
    const s3 = s3Stub({ [key]: bytes });

    await analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 120,
        height: 40,
        format: 'jpeg',
        bytes: bytes.length,
        orientation: 1,
      },
    );

    const metadata = await sharp(imageSent()?.Bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([240, 80]);
  });

  it('lets Rekognition’s throttling error through under its own name', async () => {
    // Prepare
    rekognition
      .on(DetectFacesCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const bytes = await jpeg(400, 300);
    const s3 = s3Stub({ [key]: bytes });

    // Act
    const attempt = analyseImage(
      { rekognition: rekognitionClient, s3: s3.client },
      {
        bucket: 'bucket',
        key,
        versionId: stubVersionId,
        width: 400,
        height: 300,
        format: 'jpeg',
        bytes: bytes.length,
        orientation: 1,
      },
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
