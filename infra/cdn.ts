/**
 * CloudFront in front of the thumbnails. The bucket stays private: the distribution reads it through
 * Origin Access Control, and only objects under `thumbnails/`. Viewers need a URL signed by the key
 * group's key (signUrls signs them for the owner's finished images), and a thumbnail is cached for a
 * year at the edge and in the browser: its key carries a revision, so a changed rendition (a
 * moderation decision, a re-process) is a new key, never an invalidation.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { cdnEnv } from '../contracts/function-specs.ts';
import { limits, names } from '../contracts/names.ts';
import { thumbnailsPattern } from './grants.ts';

export interface CdnProps {
  bucket: s3.Bucket;
  logsBucket: s3.IBucket;
  /** PEM of the public key CloudFront verifies signatures with (context `cdnPublicKey`). */
  publicKeyPem: string;
}

export class Cdn extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly publicKey: cloudfront.PublicKey;
  readonly keyGroup: cloudfront.KeyGroup;
  /** Holds the private key; the operator puts the PEM there (see README), CloudFormation never sees it. */
  readonly privateKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    this.publicKey = new cloudfront.PublicKey(this, 'PublicKey', {
      encodedKey: props.publicKeyPem,
      comment: 'Verifies the thumbnail URLs darkroom-sign-urls signs',
    });
    this.keyGroup = new cloudfront.KeyGroup(this, 'KeyGroup', { items: [this.publicKey] });
    this.privateKey = new secretsmanager.Secret(this, 'PrivateKey', {
      secretName: names.cdnPrivateKeySecret,
      description: 'PEM private key of the CloudFront key pair whose public key is in the darkroom key group',
    });

    const cachePolicy = new cloudfront.CachePolicy(this, 'ThumbnailCache', {
      comment: 'Thumbnails live under revisioned keys: cache for a year, keyed by path alone',
      defaultTtl: Duration.seconds(limits.thumbnailCacheSeconds),
      minTtl: Duration.days(1),
      maxTtl: Duration.seconds(limits.thumbnailCacheSeconds),
      // The signature query string is checked by CloudFront, not part of what is cached.
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      // JPEG and WebP are compressed already.
      enableAcceptEncodingGzip: false,
      enableAcceptEncodingBrotli: false,
    });
    const responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ThumbnailHeaders', {
      comment: 'Browsers keep a thumbnail for a year; private: it is one owner’s image',
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Cache-Control',
            value: `private, max-age=${limits.thumbnailCacheSeconds}, immutable`,
            override: true,
          },
        ],
      },
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    // OAC reads through an imported view of the bucket, so CDK does not add its bucket-wide
    // (`bucket/*`) grant: the statement below allows the thumbnails prefix only.
    const originBucket = s3.Bucket.fromBucketAttributes(this, 'ThumbnailsOrigin', {
      bucketArn: props.bucket.bucketArn,
      bucketRegionalDomainName: props.bucket.bucketRegionalDomainName,
    });
    const behavior: cloudfront.BehaviorOptions = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(originBucket),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      trustedKeyGroups: [this.keyGroup],
      cachePolicy,
      responseHeadersPolicy: responseHeaders,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'darkroom thumbnails',
      // Anything outside thumbnails/ is refused by the bucket policy; it still needs a signature.
      defaultBehavior: behavior,
      additionalBehaviors: { [thumbnailsPattern]: behavior },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cdn/',
    });
    props.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [props.bucket.arnForObjects(thumbnailsPattern)],
        conditions: {
          StringEquals: {
            'AWS:SourceArn': Stack.of(this).formatArn({
              service: 'cloudfront',
              region: '',
              resource: 'distribution',
              resourceName: this.distribution.distributionId,
            }),
          },
        },
      }),
    );
  }

  /** Lets a function sign URLs: where to point them, which key, and read access to the private key. */
  grantSigning(fn: lambda.Function): void {
    fn.addEnvironment(cdnEnv.domain, this.distribution.distributionDomainName);
    fn.addEnvironment(cdnEnv.keyPairId, this.publicKey.publicKeyId);
    fn.addEnvironment(cdnEnv.privateKeySecretArn, this.privateKey.secretArn);
    // GetSecretValue only: grantRead would add DescribeSecret, which the function never calls.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.privateKey.secretArn],
      }),
    );
  }
}
