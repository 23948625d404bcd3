import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const rekognition = mockClient(RekognitionClient);
// The step's milestone write (functions/shared/milestones.ts): answered here, never sent.
const documents = mockClient(DynamoDBDocumentClient);

const { handler } = await loadHandler(() => import('./handler.ts'));

const event = {
  bucket: 'darkroom-images-test',
  key: 'uploads/o/i/original',
  versionId: 'v-1',
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
    // Milestone ANALYSED carries no analysis: the verdict reaches the item only with the result.
    const [milestone] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(milestone?.ExpressionAttributeValues).toEqual({
      ':processing': 'PROCESSING',
      ':stage': 'ANALYSED',
      ':sequenceStep': 1,
    });
  });

  it('refuses a format the pipeline does not decode', async () => {
    const attempt = handler({ ...event, format: 'svg' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /format/ });
  });
});
