import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';
import { anAnalysis, aStoredImage } from '../test-support/stored-images.ts';

const rekognition = mockClient(RekognitionClient);
// Duplicate lookups and the step's milestone write (functions/shared/milestones.ts): answered here.
const dynamo = mockClient(DynamoDBDocumentClient);

const { handler } = await loadHandler(() => import('./handler.ts'));

const placeholder = { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' };

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
    const result = await handler(event);

    // Assess
    expect(result).toEqual({
      analysis: {
        labels: [{ name: 'Cat', confidence: 98, parents: ['Animal'] }],
        faceCount: 0,
        faces: [],
        moderationLabels: [],
        isSafe: true,
      },
      inheritedReview: null,
    });
    // Milestone ANALYSED carries no analysis: the verdict reaches the item only with the result.
    const [milestone] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(milestone?.ExpressionAttributeValues).toEqual({
      ':processing': 'PROCESSING',
      ':stage': 'ANALYSED',
      ':sequenceStep': 1,
    });
  });

  it('reuses the analysis of the owner’s image it duplicates, calling Rekognition not once', async () => {
    // Prepare
    rekognition.reset();
    dynamo.on(GetCommand, { Key: { owner: 'o', id: 'first' } }).resolves({
      Item: aStoredImage('COMPLETED', { owner: 'o', id: 'first', placeholder }),
    });

    // Act
    const result = await handler({ ...event, duplicateOf: 'first' });

    // Assess: a COMPLETED image no moderator decided on passes no verdict on
    expect(result).toEqual({ analysis: anAnalysis(), inheritedReview: null });
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('passes on the APPROVE of a COMPLETED image it duplicates, with the machine’s unsafe analysis as it is', async () => {
    // Prepare: FLAGGED by Rekognition, then approved by a moderator
    rekognition.reset();
    const unsafe = {
      ...anAnalysis(),
      moderationLabels: [{ name: 'Violence', parentName: null, confidence: 91.5 }],
      isSafe: false,
    };
    const review = { decision: 'APPROVE', reviewer: 'moderator-1', reviewedAt: '2026-12-01T08:00:00.000Z' };
    dynamo.on(GetCommand, { Key: { owner: 'o', id: 'approved' } }).resolves({
      Item: aStoredImage('COMPLETED', { owner: 'o', id: 'approved', placeholder, analysis: unsafe, review }),
    });

    // Act
    const result = await handler({ ...event, duplicateOf: 'approved' });

    // Assess
    expect(result).toEqual({ analysis: unsafe, inheritedReview: { ...review, inheritedFrom: 'approved' } });
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('passes no verdict on from an image still FLAGGED: its duplicate awaits a moderator too', async () => {
    rekognition.reset();
    const unsafe = {
      ...anAnalysis(),
      moderationLabels: [{ name: 'Violence', confidence: 91.5 }],
      isSafe: false,
    };
    dynamo.on(GetCommand, { Key: { owner: 'o', id: 'flagged' } }).resolves({
      Item: aStoredImage('FLAGGED', { owner: 'o', id: 'flagged', placeholder, analysis: unsafe }),
    });

    const result = await handler({ ...event, duplicateOf: 'flagged' });

    expect(result).toMatchObject({ analysis: { isSafe: false }, inheritedReview: null });
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('calls Rekognition when the image it duplicates is gone', async () => {
    rekognition.reset();
    rekognition.on(DetectLabelsCommand).resolves({ Labels: [] });
    rekognition.on(DetectFacesCommand).resolves({ FaceDetails: [] });
    rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });
    dynamo.on(GetCommand).resolves({});

    const result = await handler({ ...event, duplicateOf: 'deleted' });

    expect(result).toMatchObject({ analysis: { labels: [] }, inheritedReview: null });
    expect(rekognition.calls()).toHaveLength(3);
  });

  it('refuses a format the pipeline does not decode', async () => {
    const attempt = handler({ ...event, format: 'svg' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /format/ });
  });
});
