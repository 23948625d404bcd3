/**
 * AWS SDK clients, built once per module and traced. Locally `AWS_ENDPOINT_URL` points every
 * client at the local stack (the SDK reads it itself); S3 then needs path-style addressing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isLocalEndpoint } from './env.ts';
import { tracer } from './powertools.ts';

let s3: S3Client | undefined;
let documents: DynamoDBDocumentClient | undefined;
let rekognition: RekognitionClient | undefined;
let sns: SNSClient | undefined;

export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({ forcePathStyle: isLocalEndpoint() }));
  return s3;
}

export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documents;
}

export function rekognitionClient(): RekognitionClient {
  rekognition ??= tracer.captureAWSv3Client(new RekognitionClient({}));
  return rekognition;
}

export function snsClient(): SNSClient {
  sns ??= tracer.captureAWSv3Client(new SNSClient({}));
  return sns;
}
