import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';

let handler: typeof import('./handler.ts').handler;
const rekognition = mockClient(RekognitionClient);

beforeAll(async () => {
  process.env.BUCKET_NAME = 'darkroom-images-test';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  ({ handler } = await import('./handler.ts'));
});

const event = {
  bucket: 'darkroom-images-test',
  key: 'uploads/o/i/original',
  owner: 'o',
  id: 'i',
  width: 800,
  height: 600,
  format: 'jpeg',
  bytes: 120_000,
  orientation: 1,
};

describe('analyse handler', () => {
  it('answers the Analysis for the contract’s event', async () => {
    // Prepare
    rekognition
      .on(DetectLabelsCommand)
      .resolves({ Labels: [{ Name: 'Cat', Confidence: 98, Parents: [{ Name: 'Animal' }] }] });
    rekognition.on(DetectFacesCommand).resolves({ FaceDetails: [] });
    rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });

    // Act
    const analysis = await handler(event);

    // Assess
    expect(analysis).toEqual({
      labels: [{ name: 'Cat', confidence: 98, parents: ['Animal'] }],
      faceCount: 0,
      faces: [],
      moderationLabels: [],
      isSafe: true,
    });
  });

  it('refuses a format the pipeline does not decode', async () => {
    const attempt = handler({ ...event, format: 'heic' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /format/ });
  });
});
