import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CopyObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  functionPolicies,
  items,
  listing,
  objects,
  type PolicyArns,
  thumbnailsPattern,
  uploadsPattern,
} from '../../contracts/function-policies.ts';
import { functionSpecs } from '../../contracts/function-specs.ts';
import { keys } from '../../contracts/names.ts';
import { purgeImageObjects } from '../../functions/shared/purge-objects.ts';
import { loadConfig } from '../config.ts';
import { providerContext } from '../provider-context.ts';
import { S3Provider } from '../providers/s3/index.ts';
import { type ServedProvider, serveProvider } from '../serve-provider.ts';
import { LocalIam } from './local-iam.ts';
import { isAllowed, matchesGlob } from './policy-evaluation.ts';

const bucket = 'darkroom-iam-test';
const arns: PolicyArns = {
  bucketArn: `arn:aws:s3:::${bucket}`,
  tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Images',
  topicArn: 'arn:aws:sns:us-east-1:000000000000:topic',
  graphqlApiArn: 'arn:aws:appsync:us-east-1:000000000000:apis/local',
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline',
};

describe('IAM policy evaluation', () => {
  it('matches actions case-insensitively and resources with * spanning slashes', () => {
    expect(matchesGlob('s3:GetObject*', 's3:getobjectversion', true)).toBe(true);
    expect(matchesGlob('s3:GetObject', 's3:GetObjectVersion', true)).toBe(false);
    expect(matchesGlob('arn:aws:s3:::b/uploads/*', 'arn:aws:s3:::b/uploads/u/1/original')).toBe(true);
    expect(matchesGlob('arn:aws:s3:::b/uploads/*', 'arn:aws:s3:::b/thumbnails/u/1/small.jpg')).toBe(false);
    expect(matchesGlob('arn:aws:s3:::b/uploads/?', 'arn:aws:s3:::b/uploads/ab')).toBe(false);
  });

  it('requires the s3:prefix condition to hold, and fails it when the request names no prefix', () => {
    const statements = [{ ...listing('s3:ListBucketVersions', uploadsPattern), resources: [arns.bucketArn] }];
    const request = (prefix?: string) => ({
      action: 's3:ListBucketVersions',
      resource: arns.bucketArn,
      ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }),
    });
    expect(isAllowed(statements, request('uploads/u/1/'))).toBe(true);
    expect(isAllowed(statements, request('thumbnails/u/1/'))).toBe(false);
    expect(isAllowed(statements, request())).toBe(false);
  });

  it('lets the root credentials do anything, a function only its policy, and an unknown key nothing', () => {
    const config = loadConfig({}, { dataDir: '/tmp/unused' });
    const iam = new LocalIam(config, arns);
    const inspect = iam.credentialsFor(functionSpecs.inspect.functionName);
    expect(inspect.accessKeyId).not.toBe(config.credentials.accessKeyId);
    const read = { action: 's3:GetObject', resource: `${arns.bucketArn}/uploads/u/1/original` };
    const write = { action: 's3:PutObject', resource: `${arns.bucketArn}/uploads/u/1/original` };
    expect(iam.authorize(config.credentials.accessKeyId, write)).toEqual({ allowed: true });
    expect(iam.authorize(inspect.accessKeyId, read)).toEqual({ allowed: true });
    expect(iam.authorize(inspect.accessKeyId, write)).toMatchObject({
      allowed: false,
      message: expect.stringContaining('is not authorized to perform: s3:PutObject'),
    });
    expect(iam.authorize('AKIANOBODY', read).allowed).toBe(false);
    expect(iam.secretFor(inspect.accessKeyId)).toBe(inspect.secretAccessKey);
  });
});

describe('a function’s S3 calls against its policy', () => {
  let dataDir: string;
  let server: ServedProvider;
  let provider: S3Provider;
  const config = loadConfig({}, { dataDir: '/tmp/unused' });
  /** The stack as on the first main: deleteImage granted ListBucket and DeleteObject only. */
  const withOldGrants = new LocalIam(config, arns, {
    deleteImage: [
      items('GetItem', 'DeleteItem'),
      objects(uploadsPattern, 's3:DeleteObject'),
      objects(thumbnailsPattern, 's3:DeleteObject'),
      listing('s3:ListBucket', uploadsPattern, thumbnailsPattern),
    ],
  });
  const withContract = new LocalIam(config, arns, functionPolicies);
  let iam: LocalIam = withContract;

  const clientFor = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: config.region, credentials });
  const deleteImageCredentials = () => iam.credentialsFor(functionSpecs.deleteImage.functionName);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-iam-'));
    provider = new S3Provider({
      ...providerContext({ ...config, dataDir }),
      authorizer: {
        secretFor: (id) => iam.secretFor(id),
        authorize: (id, request) => iam.authorize(id, request),
      },
    });
    await provider.start();
    await provider.createBucket(bucket);
    server = await serveProvider((request) => provider.handle(request));
  });

  afterAll(async () => {
    await server?.close();
    await provider?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function storeImage(image: { owner: string; id: string }) {
    const root = clientFor(config.credentials);
    await root.send(
      new PutObjectCommand({ Bucket: bucket, Key: keys.original(image.owner, image.id), Body: 'v1' }),
    );
    await root.send(
      new PutObjectCommand({ Bucket: bucket, Key: keys.original(image.owner, image.id), Body: 'v2' }),
    );
    root.destroy();
  }

  it('refuses deleteImage’s purge when its policy lacks s3:ListBucketVersions, with S3’s AccessDenied', async () => {
    iam = withOldGrants;
    const image = { owner: 'u', id: 'old-grants' };
    await storeImage(image);
    const s3 = clientFor(deleteImageCredentials());
    const refused = await purgeImageObjects(s3, bucket, image).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((refused as Error).message).toMatch(/not authorized to perform: s3:ListBucketVersions/);
    s3.destroy();
  });

  it('lets the purge run with the contract’s policy, and keeps listings to the granted prefixes', async () => {
    iam = withContract;
    const image = { owner: 'u', id: 'contract' };
    await storeImage(image);
    const s3 = clientFor(deleteImageCredentials());
    await expect(purgeImageObjects(s3, bucket, image)).resolves.toBe(2);
    const root = clientFor(config.credentials);
    const left = await root.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: keys.uploadPrefixOf(image.owner, image.id) }),
    );
    expect(left.Versions ?? []).toEqual([]);
    await expect(s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'elsewhere/' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    s3.destroy();
    root.destroy();
  });

  it('authorises CopyObject’s source read too: thumbnails copies a rendition, but not out of quarantine/', async () => {
    iam = withContract;
    const root = clientFor(config.credentials);
    const rendition = keys.thumbnail('u', 'first', 'small', 'jpg', '0123456789abcdef');
    await root.send(new PutObjectCommand({ Bucket: bucket, Key: rendition, Body: 'jpeg' }));
    await root.send(
      new PutObjectCommand({ Bucket: bucket, Key: keys.quarantinedOriginal('u', 'q'), Body: 'x' }),
    );
    const s3 = clientFor(iam.credentialsFor(functionSpecs.thumbnails.functionName));
    const target = keys.thumbnail('u', 'second', 'small', 'jpg', '0123456789abcdef');

    await expect(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${rendition}` })),
    ).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const refused = await s3
      .send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: target,
          CopySource: `${bucket}/${keys.quarantinedOriginal('u', 'q')}`,
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((refused as Error).message).toMatch(/not authorized to perform: s3:GetObject/);
    s3.destroy();
    root.destroy();
  });

  it('refuses a presigned-style call outside the signer’s policy (inspect writing an original)', async () => {
    iam = withContract;
    const s3 = clientFor(iam.credentialsFor(functionSpecs.inspect.functionName));
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.original('u', 'x'), Body: 'forged' })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    s3.destroy();
  });
});
