import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { photo } from '../../../tests/fixtures.ts';
import { loadConfig } from '../../config.ts';
import { type Edge, startEdge } from '../../edge.ts';
import { FaultRegistry } from '../../faults.ts';
import { providerContext } from '../../provider-context.ts';
import { EmptyVisionEngine } from './engine.ts';
import { RekognitionProvider } from './index.ts';

const config = loadConfig({}, { port: 0, dataDir: '/tmp/unused' });
let edge: Edge;
let faults: FaultRegistry;
let client: RekognitionClient;
let logged: string[];
let objects: Map<string, Buffer>;
let provider: RekognitionProvider;

beforeEach(async () => {
  faults = new FaultRegistry();
  logged = [];
  objects = new Map();
  provider = new RekognitionProvider({
    ...providerContext(config),
    engine: new EmptyVisionEngine((line) => logged.push(line)),
    faults,
    readS3Object: async (bucket, key) => objects.get(`${bucket}/${key}`),
  });
  await provider.start();
  edge = await startEdge({
    config,
    provider: (n) => (n === 'rekognition' ? provider : undefined),
    admin: async () => {},
  });
  client = new RekognitionClient({
    endpoint: edge.url,
    region: config.region,
    credentials: config.credentials,
    maxAttempts: 1,
  });
});

afterEach(() => edge.close());

const s3Image = (key: string) => ({ S3Object: { Bucket: 'darkroom-images-local', Name: key } });

describe('RekognitionProvider with vision off', () => {
  it('answers valid empty results, never invented labels, and says so once', async () => {
    objects.set(
      'darkroom-images-local/uploads/o/i/original',
      await sharp(photo('chelsea.png')).jpeg().toBuffer(),
    );
    const image = s3Image('uploads/o/i/original');
    const labels = await client.send(
      new DetectLabelsCommand({ Image: image, MaxLabels: 10, MinConfidence: 70 }),
    );
    const faces = await client.send(new DetectFacesCommand({ Image: image }));
    const moderation = await client.send(
      new DetectModerationLabelsCommand({ Image: image, MinConfidence: 60 }),
    );
    expect(labels).toMatchObject({ Labels: [], LabelModelVersion: '3.0' });
    expect(faces).toMatchObject({ FaceDetails: [] });
    expect(moderation).toMatchObject({ ModerationLabels: [], ModerationModelVersion: '7.0' });
    expect(logged).toHaveLength(1);
  });

  it('counts the calls it answers, per S3 object, until reset', async () => {
    const bytes = await sharp(photo('chelsea.png')).jpeg().toBuffer();
    objects.set('darkroom-images-local/uploads/o/a/original', bytes);
    objects.set('darkroom-images-local/uploads/o/b/original', bytes);

    await client.send(new DetectLabelsCommand({ Image: s3Image('uploads/o/a/original') }));
    await client.send(new DetectFacesCommand({ Image: s3Image('uploads/o/a/original') }));
    await client.send(new DetectFacesCommand({ Image: s3Image('uploads/o/b/original') }));
    await client.send(new DetectFacesCommand({ Image: { Bytes: bytes } }));

    expect(provider.calls()).toEqual({
      total: 4,
      byObject: { 'uploads/o/a/original': 2, 'uploads/o/b/original': 1 },
    });
    await provider.reset();
    expect(provider.calls()).toEqual({ total: 0, byObject: {} });
  });

  it('answers InvalidS3ObjectException for a missing object', async () => {
    await expect(
      client.send(new DetectFacesCommand({ Image: s3Image('uploads/none') })),
    ).rejects.toMatchObject({
      name: 'InvalidS3ObjectException',
    });
  });

  it('gives the canned answer or error a fault sets for matching S3 keys', async () => {
    faults.set([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: 'uploads/unsafe/*',
        response: {
          ModerationLabels: [{ Name: 'Explicit Nudity', ParentName: '', Confidence: 98.5 }],
          ModerationModelVersion: '7.0',
        },
      },
      { service: 'rekognition', match: 'uploads/throttled/*', error: 'ThrottlingException', status: 400 },
    ]);
    const unsafe = await client.send(
      new DetectModerationLabelsCommand({ Image: s3Image('uploads/unsafe/1/original') }),
    );
    expect(unsafe.ModerationLabels?.[0]).toMatchObject({ Name: 'Explicit Nudity', Confidence: 98.5 });
    await expect(
      client.send(new DetectLabelsCommand({ Image: s3Image('uploads/throttled/1/original') })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });
});
