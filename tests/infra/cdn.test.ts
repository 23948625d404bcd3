/** CloudFront in front of the thumbnails: OAC on the private bucket, signed URLs, year-long caching. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdnEnv } from '../../contracts/function-specs.ts';
import { limits, names } from '../../contracts/names.ts';
import { createApp } from '../../infra/create-app.ts';
import { testContext } from './global-setup.ts';
import {
  type CfnResource,
  getAttTarget,
  propsOf,
  resourceNamed,
  resourcesOfType,
  templateJson,
} from './synthesized.ts';

const [distributionId, distribution] = resourcesOfType('AWS::CloudFront::Distribution')[0] as [
  string,
  CfnResource,
];
const config = propsOf(distribution).DistributionConfig as Record<string, unknown>;
const behaviors = [
  config.DefaultCacheBehavior,
  ...((config.CacheBehaviors as unknown[] | undefined) ?? []),
] as Record<string, unknown>[];
const [bucketId] = resourcesOfType('AWS::S3::Bucket').find(
  ([, b]) =>
    JSON.stringify(b.Properties?.BucketName ?? '').includes('') && b.Properties?.VersioningConfiguration,
) as [string, CfnResource];

describe('thumbnail CDN', () => {
  it('is one distribution whose thumbnails/ behaviour requires URLs signed by the key group', () => {
    expect(resourcesOfType('AWS::CloudFront::Distribution')).toHaveLength(1);
    const thumbnails = behaviors.find((b) => b.PathPattern === 'thumbnails/*');
    expect(thumbnails).toBeDefined();
    const [keyGroupId] = resourcesOfType('AWS::CloudFront::KeyGroup')[0] as [string, CfnResource];
    for (const behavior of behaviors) {
      expect(behavior.TrustedKeyGroups).toEqual([{ Ref: keyGroupId }]);
      expect(behavior.ViewerProtocolPolicy).toBe('https-only');
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
  });

  it('verifies with the public key given as context cdnPublicKey', () => {
    const cdkJson = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../cdk.json'), 'utf8'));
    const [, publicKey] = resourcesOfType('AWS::CloudFront::PublicKey')[0] as [string, CfnResource];
    expect((propsOf(publicKey).PublicKeyConfig as { EncodedKey: string }).EncodedKey).toBe(
      cdkJson.context.cdnPublicKey,
    );
  });

  it('refuses to synthesize without a PEM public key, naming the context parameter', () => {
    const { cdnPublicKey: _, ...context } = testContext();
    expect(() => createApp({ context })).toThrow(/context cdnPublicKey must be a PEM public key/);
    expect(() => createApp({ context: { ...context, cdnPublicKey: 'not a key' } })).toThrow(/cdnPublicKey/);
  });

  it('reads the private bucket through Origin Access Control, thumbnails/ only', () => {
    const [oacId] = resourcesOfType('AWS::CloudFront::OriginAccessControl')[0] as [string, CfnResource];
    const [origin] = config.Origins as Record<string, unknown>[];
    expect(origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(JSON.stringify(origin?.DomainName)).toContain(bucketId);

    const [, policy] = resourcesOfType('AWS::S3::BucketPolicy').find(
      ([, p]) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }),
    ) as [string, CfnResource];
    const statements = (propsOf(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const cloudfront = statements.filter(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }),
    );
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(JSON.stringify(cloudfront[0]?.Resource)).toContain('/thumbnails/*');
    expect(JSON.stringify(cloudfront[0]?.Condition)).toContain(distributionId);
    // The bucket itself stays private.
    const bucket = propsOf(templateJson.Resources[bucketId] as CfnResource);
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('caches thumbnails for a year at the edge and in the browser, keyed by path only', () => {
    const thumbnails = behaviors.find((b) => b.PathPattern === 'thumbnails/*') as Record<string, unknown>;
    const cachePolicy = propsOf(
      templateJson.Resources[(thumbnails.CachePolicyId as { Ref: string }).Ref] as CfnResource,
    ).CachePolicyConfig as Record<string, unknown>;
    expect(cachePolicy).toMatchObject({
      DefaultTTL: limits.thumbnailCacheSeconds,
      MaxTTL: limits.thumbnailCacheSeconds,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
    const headers = propsOf(
      templateJson.Resources[(thumbnails.ResponseHeadersPolicyId as { Ref: string }).Ref] as CfnResource,
    ).ResponseHeadersPolicyConfig as { CustomHeadersConfig: { Items: unknown[] } };
    expect(headers.CustomHeadersConfig.Items).toContainEqual({
      Header: 'Cache-Control',
      Value: `private, max-age=${limits.thumbnailCacheSeconds}, immutable`,
      Override: true,
    });
  });

  it('logs requests to the access-logs bucket', () => {
    expect(config.Logging).toMatchObject({ Prefix: 'cdn/' });
  });

  it('lets signUrls sign: the domain, the key id and read access to the private key secret only', () => {
    const [, secret] = resourceNamed('AWS::SecretsManager::Secret', 'Name', names.cdnPrivateKeySecret);
    expect(secret.Properties?.SecretString).toBeUndefined();
    const [, fn] = resourceNamed('AWS::Lambda::Function', 'FunctionName', names.functions.signUrls);
    const variables = (propsOf(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[cdnEnv.domain]).toEqual({ 'Fn::GetAtt': [distributionId, 'DomainName'] });
    expect(variables[cdnEnv.keyPairId]).toEqual({
      Ref: resourcesOfType('AWS::CloudFront::PublicKey')[0]?.[0],
    });
    const roleId = getAttTarget(propsOf(fn).Role);
    const statements = resourcesOfType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => (propsOf(p).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const secretRead = statements.find((s) =>
      JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretRead?.Resource).toEqual({
      Ref: resourceNamed('AWS::SecretsManager::Secret', 'Name', names.cdnPrivateKeySecret)[0],
    });
  });

  it("needs no custom resource (only CDK's own: AppSync log retention, bucket notifications)", () => {
    const custom = Object.values(templateJson.Resources)
      .filter((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')
      .map((r) => r.Type);
    expect(new Set(custom)).toEqual(new Set(['Custom::LogRetention', 'Custom::S3BucketNotifications']));
  });
});
