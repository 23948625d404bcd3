/** analyse's work: labels, faces and moderation labels from Rekognition, at once, as the schema's Analysis. */
import {
  DetectFacesCommand,
  type DetectFacesCommandOutput,
  DetectLabelsCommand,
  type DetectLabelsCommandOutput,
  DetectModerationLabelsCommand,
  type DetectModerationLabelsCommandOutput,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Analysis } from '../../generated/schema.ts';
import { type AnalyseSource, rekognitionImage } from './rekognition-image.ts';

export type AnalysisResult = Omit<Analysis, '__typename'>;

export const detectionSettings = {
  maxLabels: 10,
  minLabelConfidence: 70,
  minModerationConfidence: 60,
} as const;

export interface AnalyseClients {
  rekognition: RekognitionClient;
  s3: S3Client;
}

/** Rekognition's errors (ThrottlingException, …) propagate with their own names: the pipeline retries them. */
export async function analyseImage(clients: AnalyseClients, source: AnalyseSource): Promise<AnalysisResult> {
  const image = await rekognitionImage(clients.s3, source);
  const [labels, faces, moderation] = await Promise.all([
    clients.rekognition.send(
      new DetectLabelsCommand({
        Image: image,
        MaxLabels: detectionSettings.maxLabels,
        MinConfidence: detectionSettings.minLabelConfidence,
      }),
    ),
    clients.rekognition.send(new DetectFacesCommand({ Image: image, Attributes: ['DEFAULT'] })),
    clients.rekognition.send(
      new DetectModerationLabelsCommand({
        Image: image,
        MinConfidence: detectionSettings.minModerationConfidence,
      }),
    ),
  ]);
  return toAnalysis(labels, faces, moderation);
}

export function toAnalysis(
  labels: Pick<DetectLabelsCommandOutput, 'Labels'>,
  faces: Pick<DetectFacesCommandOutput, 'FaceDetails'>,
  moderation: Pick<DetectModerationLabelsCommandOutput, 'ModerationLabels'>,
): AnalysisResult {
  const faceList = (faces.FaceDetails ?? []).map((face) => ({
    boundingBox: {
      left: face.BoundingBox?.Left ?? 0,
      top: face.BoundingBox?.Top ?? 0,
      width: face.BoundingBox?.Width ?? 0,
      height: face.BoundingBox?.Height ?? 0,
    },
    confidence: face.Confidence ?? 0,
  }));
  const moderationLabels = (moderation.ModerationLabels ?? []).map((label) => ({
    name: label.Name ?? '',
    // Rekognition sends '' for a top-level category.
    parentName: label.ParentName ? label.ParentName : null,
    confidence: label.Confidence ?? 0,
  }));
  return {
    labels: (labels.Labels ?? []).map((label) => ({
      name: label.Name ?? '',
      confidence: label.Confidence ?? 0,
      parents: (label.Parents ?? []).flatMap((parent) => (parent.Name ? [parent.Name] : [])),
    })),
    faceCount: faceList.length,
    faces: faceList,
    moderationLabels,
    isSafe: moderationLabels.length === 0,
  };
}
