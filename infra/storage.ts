/**
 * The data at rest: the `Images` table and the images bucket's CORS rule as contracts/ specifies
 * them, the bucket for originals and thumbnails, and the bucket that receives its access logs.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { uploadBucketCors } from '../contracts/bucket-cors.ts';
import { imagesTable } from '../contracts/images-table.ts';
import { keys, limits } from '../contracts/names.ts';
import { tableFromSpec } from './table-from-spec.ts';

export interface StorageProps {
  /** Origins allowed to POST uploads from a browser; `['*']` when not configured. */
  corsOrigins: string[];
}

export class Storage extends Construct {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.table = tableFromSpec(this, 'Images', imagesTable, {
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'ImagesBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'images/',
      cors: uploadBucketCors(props.corsOrigins).map(
        ({ allowedMethods, maxAgeSeconds, ...rule }): s3.CorsRule => ({
          ...rule,
          allowedMethods: allowedMethods.map((method) => s3.HttpMethods[method]),
          ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
        }),
      ),
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
        {
          id: 'originals-intelligent-tiering',
          prefix: keys.uploadPrefix,
          transitions: [
            { storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) },
          ],
        },
        {
          // Unsafe originals are kept for moderators only so long, and no older copy lingers.
          id: 'expire-quarantine',
          prefix: keys.quarantinePrefix,
          expiration: Duration.days(limits.quarantineRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
