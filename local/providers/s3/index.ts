/**
 * The local S3: path-style buckets on disk, SigV4 (header and presigned), browser POST uploads
 * with their policy enforced, versioning, CORS, and EventBridge "Object Created" events.
 *
 * LIMITATIONS (what it does not do):
 * - Path-style addressing only (`/bucket/key`); no virtual-hosted buckets, no website endpoints.
 * - No multipart uploads (CreateMultipartUpload/UploadPart answer NotImplemented): bodies are
 *   buffered, so keep objects small (the stack caps uploads at 25 MB).
 * - No ACLs, bucket policies, tagging, object lock, lifecycle, replication, SSE, storage classes
 *   (everything is STANDARD) or requester pays; one owner (the local account) for everything.
 * - `aws-chunked` bodies are decoded but their chunk signatures and trailing checksums are not
 *   verified; Content-MD5 (header, or a POST form's field; InvalidDigest when not base64 of 16
 *   bytes, BadDigest when of other bytes) and x-amz-checksum-crc32 headers are. Checksums are not
 *   returned.
 * - Conditional requests: If-Match / If-None-Match only (no If-(Un)Modified-Since); one byte range.
 * - POST uploads: SigV4 policies only (no legacy V2 `AWSAccessKeyId`/`signature`); no
 *   `x-amz-security-token` checks; `success_action_redirect` is honoured without validation.
 * - Event notifications go only to the injected `onObjectCreated` (EventBridge shape); no
 *   "Object Deleted" events, no SNS/SQS/Lambda notification configurations. A write is answered
 *   only after its event is durable (S3 itself delivers events asynchronously, at least once).
 * - ListObjects (v1) is answered from the same lister as V2; `fetch-owner` is ignored.
 * - Injected faults (`faults`) answer errors or add latency; canned `response` bodies are ignored.
 * - IAM: a function's requests (and the presigned URLs and POST policies it signed) are authorised
 *   against its policy (access.ts maps operations to actions); no bucket policies or ACLs.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { isCorsMethod } from '../../../contracts/bucket-cors.ts';
import {
  type ObjectCreatedEvent,
  type ObjectCreatedReason,
  objectCreatedEvent,
} from '../../../contracts/object-created-event.ts';
import { applyLatency } from '../../faults.ts';
import { type AccessRequest, type Authorizer, rootOnly } from '../../iam/local-iam.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { sigV4ErrorStatus, verifySigV4 } from '../../sigv4.ts';
import { copySourceAccess, deleteObjectAccess, s3Access } from './access.ts';
import { type CorsRule, corsHeaders, localBucketCors, matchRule, requestedHeaders } from './cors.ts';
import { errorDocument, S3Error, s3Errors } from './errors.ts';
import { listObjects, listVersions } from './listing.ts';
import { boundaryOf, parseMultipartForm } from './multipart.ts';
import {
  checkContentMd5,
  checkDigests,
  checkStorageClass,
  checkWriteLimits,
  etagMatches,
  headerOf,
  httpDate,
  parseCopySource,
  parseRange,
  responseOverrides,
  storedHeaderNames,
  storedHeaders,
} from './object-headers.ts';
import { operationName } from './operations.ts';
import { objectPayload } from './payload.ts';
import { checkPostPolicy } from './policy.ts';
import { type BucketConfig, ObjectStore, type ObjectVersion } from './store.ts';
import {
  childrenNamed,
  childText,
  parseXml,
  type XmlElement,
  type XmlNode,
  xmlDocument,
  xmlTime,
} from './xml.ts';

export type { ObjectCreatedEvent } from '../../../contracts/object-created-event.ts';
export { localBucketCors } from './cors.ts';

/** Faults: `{service: 's3', operation: 'PutObject', match: '<key pattern>', error, status}`; the clock expires presigned URLs and POST policies. */
export interface S3ProviderOptions extends ProviderContext {
  /**
   * Receives each Object Created event; the upload is answered only once it resolves (the event is
   * durable), and fails with 503 ServiceUnavailable (which SDKs retry) if it rejects.
   */
  onObjectCreated?: (event: ObjectCreatedEvent) => void | Promise<void>;
  /** Who may do what; only the stack's own credentials unless given. */
  authorizer?: Authorizer;
}

export interface BucketOptions {
  /** Default true, as the CDK bucket. */
  versioned?: boolean;
  /** Default: the images bucket's rule (`localBucketCors`, from contracts/bucket-cors.ts). */
  cors?: CorsRule[];
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  method: string;
  requestId: string;
  bucket?: string;
  key?: string;
  /** The verified signer's access key id (set once the signature checks out). */
  caller?: string;
}

/** The `s3` provider; the edge sends it every request no other provider claims. */
export class S3Provider implements Provider {
  readonly name = 's3';
  private readonly store: ObjectStore;
  private readonly bootBuckets = new Map<string, BucketOptions>();
  private readonly now: () => Date;
  private loading?: Promise<void>;
  private ready = false;
  private sequence = 0n;

  constructor(private readonly options: S3ProviderOptions) {
    this.store = new ObjectStore(path.join(options.config.dataDir, 's3'));
    this.now = options.clock;
  }

  async start(): Promise<void> {
    await this.loaded();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.store.flush();
  }

  /** Forgets every object and bucket, then re-creates the buckets made with `createBucket`, empty. */
  async reset(): Promise<void> {
    await this.loaded();
    await this.store.wipe();
    for (const [name, options] of this.bootBuckets) await this.createBucket(name, options);
  }

  health(): ProviderHealth {
    return this.ready ? { ready: true } : { ready: false, detail: 'not started' };
  }

  /**
   * Creates a bucket configured like the CDK one (versioning on, CORS for browser POSTs), or
   * updates its configuration when it already exists; its objects survive. Safe before `start`.
   */
  async createBucket(name: string, options: BucketOptions = {}): Promise<void> {
    await this.loaded();
    this.bootBuckets.set(name, options);
    const existing = this.store.bucket(name);
    await this.store.putBucket({
      name,
      createdAt: existing?.createdAt ?? this.now().toISOString(),
      versioning: (options.versioned ?? true) ? 'Enabled' : existing?.versioning,
      cors: options.cors ?? localBucketCors,
    });
  }

  /**
   * An object's bytes for another service of the stack that reads S3 as AWS's own services do
   * (Rekognition's S3Object): in-process, no HTTP round trip or signature, and the same answer a
   * GetObject gets (injected GetObject faults included); undefined when there is no such object.
   */
  async readObject(bucket: string, key: string, versionId?: string): Promise<Buffer | undefined> {
    await this.loaded();
    await this.injectFault('GetObject', key);
    let version: ObjectVersion;
    try {
      this.bucketConfig(bucket);
      version = this.readableVersion(bucket, key, versionId);
    } catch (error) {
      if (error instanceof S3Error && /^NoSuch|^MethodNotAllowed$|^InvalidArgument$/.test(error.code))
        return undefined;
      throw error;
    }
    return this.store.readBlob(bucket, version);
  }

  async handle({ req, res, url, body }: EdgeRequest): Promise<void> {
    await this.loaded();
    const exchange: Exchange = {
      req,
      res,
      url,
      body,
      method: (req.method ?? 'GET').toUpperCase(),
      requestId: randomBytes(8).toString('hex').toUpperCase(),
    };
    try {
      const raw = url.pathname.slice(1);
      const slash = raw.indexOf('/');
      const bucket = decodePath(slash === -1 ? raw : raw.slice(0, slash));
      const key = slash === -1 ? '' : decodePath(raw.slice(slash + 1));
      if (bucket !== '') exchange.bucket = bucket;
      if (key !== '') exchange.key = key;
      await this.route(exchange);
    } catch (error) {
      this.sendError(exchange, error);
    }
  }

  private loaded(): Promise<void> {
    this.loading ??= this.store.load();
    return this.loading;
  }

  private async route(x: Exchange): Promise<void> {
    const { method, bucket, key } = x;
    if (method === 'OPTIONS') return this.preflight(x);
    if (method === 'POST' && bucket && key === undefined && boundaryOf(headerOf(x.req, 'content-type'))) {
      return this.postObject(x, bucket);
    }
    x.caller = this.authenticate(x);
    const operation = operationName(
      method,
      bucket,
      key,
      x.url.searchParams,
      headerOf(x.req, 'x-amz-copy-source') !== undefined,
    );
    this.authorize(x.caller, s3Access(operation, bucket, key, x.url.searchParams));
    await this.injectFault(operation, key ?? bucket ?? '');
    if (bucket === undefined) {
      if (method === 'GET') return this.listBuckets(x);
      throw new S3Error(
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
        405,
      );
    }
    if (key === undefined) return this.bucketOperation(x, bucket);
    return this.objectOperation(x, bucket, key);
  }

  /** Fails (or delays) the request as an injected fault says, before any real work. */
  private async injectFault(operation: string, subject: string): Promise<void> {
    const fault = this.options.faults.find('s3', operation, [subject]);
    await applyLatency(fault);
    if (fault?.error) {
      throw new S3Error(fault.error, fault.message ?? `Injected fault: ${fault.error}`, fault.status ?? 400);
    }
  }

  private get authorizer(): Authorizer {
    return this.options.authorizer ?? rootOnly(this.options.config);
  }

  /** Refuses with S3's AccessDenied when the caller's policy does not allow the request. */
  private authorize(caller: string, request: AccessRequest | undefined): void {
    if (!request) return;
    const verdict = this.authorizer.authorize(caller, request);
    if (!verdict.allowed) throw s3Errors.accessDenied(verdict.message);
  }

  /** Verifies the request's SigV4 signature; returns the signer's access key id. */
  private authenticate(x: Exchange): string {
    const result = verifySigV4(
      { method: x.method, url: x.url, headers: x.req.headers, body: x.body },
      (id) => this.authorizer.secretFor(id),
      this.now(),
    );
    if (!result.ok) throw new S3Error(result.code, result.message, sigV4ErrorStatus(result.code));
    if (result.region !== this.options.config.region) {
      throw new S3Error(
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${result.region}' is wrong; expecting '${this.options.config.region}'`,
        400,
        { Region: this.options.config.region },
      );
    }
    return result.accessKeyId;
  }

  private bucketConfig(bucket: string): BucketConfig {
    const config = this.store.bucket(bucket);
    if (!config) throw s3Errors.noSuchBucket(bucket);
    return config;
  }

  // ---- responses -------------------------------------------------------------------------------

  private send(
    x: Exchange,
    status: number,
    headers: Record<string, string> = {},
    body?: string | Buffer,
  ): void {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const all: Record<string, string> = {
      'x-amz-request-id': x.requestId,
      'x-amz-id-2': Buffer.from(x.requestId).toString('base64'),
      server: 'AmazonS3',
      ...this.actualCorsHeaders(x),
      ...(typeof body === 'string' ? { 'content-type': 'application/xml' } : {}),
      ...headers,
    };
    if (status === 204 || status === 304) delete all['content-length'];
    else if (payload !== undefined) all['content-length'] = String(payload.length);
    else all['content-length'] ??= '0';
    x.res.writeHead(status, all);
    x.res.end(x.method === 'HEAD' || status === 304 || status === 204 ? undefined : payload);
  }

  private sendXml(
    x: Exchange,
    root: string,
    children: XmlElement[],
    headers: Record<string, string> = {},
  ): void {
    this.send(x, 200, headers, xmlDocument(root, children));
  }

  private sendError(x: Exchange, error: unknown): void {
    const awsError =
      error instanceof AwsError
        ? error
        : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
    if (!(error instanceof AwsError)) console.error('[s3] internal error', error);
    if (x.res.headersSent) {
      x.res.destroy();
      return;
    }
    const headers = awsError instanceof S3Error ? awsError.headers : {};
    const resource = x.url.pathname;
    // HEAD errors carry no body; clients read the status alone.
    const body = x.method === 'HEAD' ? undefined : errorDocument(awsError, x.requestId, resource);
    this.send(
      x,
      awsError.status,
      { ...headers, ...(body ? { 'content-type': 'application/xml' } : {}) },
      body,
    );
  }

  private actualCorsHeaders(x: Exchange): Record<string, string> {
    const origin = headerOf(x.req, 'origin');
    if (!origin || !x.bucket || x.method === 'OPTIONS') return {};
    const rules = this.store.bucket(x.bucket)?.cors;
    const rule = rules && matchRule(rules, origin, x.method);
    return rule ? corsHeaders(rule, origin) : {};
  }

  private preflight(x: Exchange): void {
    const origin = headerOf(x.req, 'origin');
    const method = headerOf(x.req, 'access-control-request-method');
    if (!origin) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
    if (!method) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
    const forbidden = (why: string) => new S3Error('AccessForbidden', `CORSResponse: ${why}`, 403);
    const rules = x.bucket === undefined ? undefined : this.store.bucket(x.bucket)?.cors;
    if (!rules || rules.length === 0) throw forbidden('CORS is not enabled for this bucket.');
    const headers = requestedHeaders(headerOf(x.req, 'access-control-request-headers'));
    const rule = matchRule(rules, origin, method, headers);
    if (!rule) {
      throw forbidden(
        "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      );
    }
    this.send(x, 200, corsHeaders(rule, origin, { requestHeaders: headers }));
  }

  // ---- buckets ---------------------------------------------------------------------------------

  private listBuckets(x: Exchange): void {
    const owner: XmlElement = [
      'Owner',
      [
        ['ID', this.options.config.accountId],
        ['DisplayName', 'darkroom-local'],
      ],
    ];
    const buckets = this.store.bucketNames().map(
      (b): XmlElement => [
        'Bucket',
        [
          ['Name', b.name],
          ['CreationDate', xmlTime(b.createdAt)],
        ],
      ],
    );
    this.sendXml(x, 'ListAllMyBucketsResult', [owner, ['Buckets', buckets]]);
  }

  private async bucketOperation(x: Exchange, bucket: string): Promise<void> {
    const q = x.url.searchParams;
    switch (x.method) {
      case 'PUT':
        if (q.has('versioning')) return this.putVersioning(x, bucket);
        if (q.has('cors')) return this.putCors(x, bucket);
        return this.createBucketApi(x, bucket);
      case 'GET':
        if (q.has('versioning')) return this.getVersioning(x, bucket);
        if (q.has('cors')) return this.getCors(x, bucket);
        if (q.has('location')) {
          this.bucketConfig(bucket);
          return this.sendXml(x, 'LocationConstraint', []);
        }
        if (q.has('versions')) {
          this.bucketConfig(bucket);
          return this.sendXml(x, 'ListVersionsResult', listVersions(this.store, bucket, q));
        }
        for (const unsupported of [
          'uploads',
          'policy',
          'lifecycle',
          'acl',
          'tagging',
          'notification',
          'encryption',
        ]) {
          if (q.has(unsupported)) throw s3Errors.notImplemented(`?${unsupported}`);
        }
        this.bucketConfig(bucket);
        return this.sendXml(x, 'ListBucketResult', listObjects(this.store, bucket, q));
      case 'HEAD':
        this.bucketConfig(bucket);
        return this.send(x, 200, { 'x-amz-bucket-region': this.options.config.region });
      case 'DELETE':
        if (q.has('cors')) {
          await this.store.putBucket({ ...this.bucketConfig(bucket), cors: undefined });
          return this.send(x, 204);
        }
        this.bucketConfig(bucket);
        if (!this.store.isEmpty(bucket)) {
          throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
            BucketName: bucket,
          });
        }
        await this.store.deleteBucket(bucket);
        this.bootBuckets.delete(bucket);
        return this.send(x, 204);
      case 'POST':
        if (q.has('delete')) return this.deleteObjects(x, bucket);
        throw s3Errors.invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
      default:
        throw new S3Error(
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          405,
        );
    }
  }

  private async createBucketApi(x: Exchange, bucket: string): Promise<void> {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, {
        BucketName: bucket,
      });
    }
    if (this.store.bucket(bucket)) {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: bucket },
      );
    }
    // Like a bucket created through the API: no versioning, no CORS until configured.
    await this.store.putBucket({ name: bucket, createdAt: this.now().toISOString() });
    this.send(x, 200, { location: `/${bucket}` });
  }

  private parseBody(x: Exchange): XmlNode {
    try {
      const root = parseXml(x.body.toString('utf8')).children[0];
      if (!root) throw new Error('empty document');
      return root;
    } catch {
      throw s3Errors.malformedXml();
    }
  }

  private async putVersioning(x: Exchange, bucket: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const status = childText(this.parseBody(x), 'Status');
    if (status !== 'Enabled' && status !== 'Suspended') throw s3Errors.malformedXml();
    await this.store.putBucket({ ...config, versioning: status });
    this.send(x, 200);
  }

  private getVersioning(x: Exchange, bucket: string): void {
    const { versioning } = this.bucketConfig(bucket);
    this.sendXml(x, 'VersioningConfiguration', [['Status', versioning]]);
  }

  private async putCors(x: Exchange, bucket: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const rules = childrenNamed(this.parseBody(x), 'CORSRule').map((rule): CorsRule => {
      const texts = (name: string) => childrenNamed(rule, name).map((node) => node.text.trim());
      const maxAge = childText(rule, 'MaxAgeSeconds');
      const methods = texts('AllowedMethod');
      const unsupported = methods.find((method) => !isCorsMethod(method));
      if (unsupported !== undefined) {
        throw new S3Error(
          'InvalidRequest',
          `Found unsupported HTTP method in CORS config. Unsupported method is ${unsupported}`,
        );
      }
      return {
        allowedMethods: methods.filter(isCorsMethod),
        allowedOrigins: texts('AllowedOrigin'),
        allowedHeaders: texts('AllowedHeader'),
        exposedHeaders: texts('ExposeHeader'),
        ...(maxAge === undefined ? {} : { maxAgeSeconds: Number(maxAge) }),
      };
    });
    if (
      rules.length === 0 ||
      rules.some((r) => r.allowedMethods.length === 0 || r.allowedOrigins.length === 0)
    ) {
      throw s3Errors.malformedXml();
    }
    await this.store.putBucket({ ...config, cors: rules });
    this.send(x, 200);
  }

  private getCors(x: Exchange, bucket: string): void {
    const { cors } = this.bucketConfig(bucket);
    if (!cors || cors.length === 0) {
      throw new S3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, {
        BucketName: bucket,
      });
    }
    const rules = cors.map(
      (rule): XmlElement => [
        'CORSRule',
        [
          ...rule.allowedHeaders.map((h): XmlElement => ['AllowedHeader', h]),
          ...rule.allowedMethods.map((m): XmlElement => ['AllowedMethod', m]),
          ...rule.allowedOrigins.map((o): XmlElement => ['AllowedOrigin', o]),
          ...rule.exposedHeaders.map((h): XmlElement => ['ExposeHeader', h]),
          ['MaxAgeSeconds', rule.maxAgeSeconds],
        ],
      ],
    );
    this.sendXml(x, 'CORSConfiguration', rules);
  }

  // ---- objects ---------------------------------------------------------------------------------

  private async objectOperation(x: Exchange, bucket: string, key: string): Promise<void> {
    const q = x.url.searchParams;
    for (const unsupported of [
      'uploads',
      'uploadId',
      'tagging',
      'acl',
      'retention',
      'legal-hold',
      'restore',
    ]) {
      if (q.has(unsupported)) throw s3Errors.notImplemented(`?${unsupported}`);
    }
    switch (x.method) {
      case 'PUT':
        if (headerOf(x.req, 'x-amz-copy-source')) return this.copyObject(x, bucket, key);
        return this.putObject(x, bucket, key);
      case 'GET':
      case 'HEAD':
        return this.getObject(x, bucket, key);
      case 'DELETE': {
        const result = await this.deleteObject(bucket, key, q.get('versionId') ?? undefined);
        return this.send(x, 204, {
          ...(result.versionId ? { 'x-amz-version-id': result.versionId } : {}),
          ...(result.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
        });
      }
      default:
        throw new S3Error(
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          405,
        );
    }
  }

  /** The version a GET/HEAD/copy reads; throws S3's error for a missing one or a delete marker. */
  private readableVersion(bucket: string, key: string, versionId: string | undefined): ObjectVersion {
    const versions = this.store.versions(bucket, key);
    if (versionId !== undefined) {
      const version = versions.find((v) => v.versionId === versionId);
      if (!version) {
        if (!isVersionIdShape(versionId)) {
          throw s3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
        }
        throw s3Errors.noSuchVersion(key, versionId);
      }
      if (version.deleteMarker) {
        throw new S3Error(
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          405,
          {},
          {
            'x-amz-delete-marker': 'true',
            'x-amz-version-id': version.versionId,
            'last-modified': httpDate(version.lastModified),
          },
        );
      }
      return version;
    }
    const current = versions[0];
    if (!current) throw s3Errors.noSuchKey(key);
    if (current.deleteMarker) {
      throw s3Errors.noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': current.versionId });
    }
    return current;
  }

  private async getObject(x: Exchange, bucket: string, key: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const q = x.url.searchParams;
    const version = this.readableVersion(bucket, key, q.get('versionId') ?? undefined);
    const headers: Record<string, string> = {
      'content-type': version.contentType,
      etag: version.etag,
      'last-modified': httpDate(version.lastModified),
      'accept-ranges': 'bytes',
      ...version.headers,
      ...(config.versioning ? { 'x-amz-version-id': version.versionId } : {}),
    };
    for (const [param, header] of Object.entries(responseOverrides)) {
      const value = q.get(param);
      if (value !== null) headers[header] = value;
    }

    const ifMatch = headerOf(x.req, 'if-match');
    if (ifMatch !== undefined && !etagMatches(ifMatch, version.etag)) {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: 'If-Match',
        },
      );
    }
    const ifNoneMatch = headerOf(x.req, 'if-none-match');
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, version.etag)) {
      const { etag, 'last-modified': lastModified } = headers;
      return this.send(x, 304, { etag: etag ?? '', 'last-modified': lastModified ?? '' });
    }

    const range = parseRange(headerOf(x.req, 'range'), version.size);
    if (range === 'unsatisfiable') {
      throw new S3Error(
        'InvalidRange',
        'The requested range is not satisfiable',
        416,
        {
          RangeRequested: headerOf(x.req, 'range') ?? '',
          ActualObjectSize: version.size,
        },
        { 'content-range': `bytes */${version.size}` },
      );
    }
    if (x.method === 'HEAD') {
      const length = range ? range.end - range.start + 1 : version.size;
      return this.send(x, range ? 206 : 200, {
        ...headers,
        'content-length': String(length),
        ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${version.size}` } : {}),
      });
    }
    const data = await this.store.readBlob(bucket, version);
    if (range) {
      return this.send(
        x,
        206,
        { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${version.size}` },
        data.subarray(range.start, range.end + 1),
      );
    }
    this.send(x, 200, headers, data);
  }

  private async putObject(x: Exchange, bucket: string, key: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const { data, contentEncoding } = objectPayload(x.req.headers, x.body);
    checkDigests(x.req, data);
    if (headerOf(x.req, 'if-none-match') === '*' && this.currentVersion(bucket, key)) {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: 'If-None-Match',
        },
      );
    }
    const headers = storedHeaders(x.req.headers);
    if (contentEncoding === undefined) delete headers['content-encoding'];
    else headers['content-encoding'] = contentEncoding;
    checkWriteLimits(key, headers);
    checkStorageClass(x.req);
    const version = await this.store.putObject(
      bucket,
      key,
      { data, contentType: headerOf(x.req, 'content-type') ?? 'binary/octet-stream', headers },
      this.now(),
    );
    await this.emitCreated(x, config, key, version, 'PutObject');
    this.send(x, 200, { etag: version.etag, ...versionHeader(config, version) });
  }

  private currentVersion(bucket: string, key: string): ObjectVersion | undefined {
    const current = this.store.versions(bucket, key)[0];
    return current && !current.deleteMarker ? current : undefined;
  }

  private async copyObject(x: Exchange, bucket: string, key: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const source = parseCopySource(headerOf(x.req, 'x-amz-copy-source') ?? '');
    // The target's s3:PutObject was checked with the request; the source is read with the caller's rights too.
    this.authorize(x.caller ?? '', copySourceAccess(source));
    this.bucketConfig(source.bucket);
    let sourceVersion: ObjectVersion;
    try {
      sourceVersion = this.readableVersion(source.bucket, source.key, source.versionId);
    } catch (error) {
      if (error instanceof S3Error && error.code === 'MethodNotAllowed') {
        throw new S3Error(
          'InvalidRequest',
          'The source of a copy request may not specifically refer to a delete marker by version id.',
        );
      }
      throw error;
    }
    const replace = (headerOf(x.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase() === 'REPLACE';
    if (source.bucket === bucket && source.key === key && source.versionId === undefined && !replace) {
      throw new S3Error(
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const headers = replace ? storedHeaders(x.req.headers) : { ...sourceVersion.headers };
    checkWriteLimits(key, headers);
    checkStorageClass(x.req);
    const data = await this.store.readBlob(source.bucket, sourceVersion);
    const version = await this.store.putObject(
      bucket,
      key,
      {
        data,
        contentType: replace
          ? (headerOf(x.req, 'content-type') ?? 'binary/octet-stream')
          : sourceVersion.contentType,
        headers,
      },
      this.now(),
    );
    await this.emitCreated(x, config, key, version, 'CopyObject');
    const sourceConfig = this.bucketConfig(source.bucket);
    this.sendXml(
      x,
      'CopyObjectResult',
      [
        ['ETag', version.etag],
        ['LastModified', xmlTime(version.lastModified)],
      ],
      {
        ...versionHeader(config, version),
        ...(sourceConfig.versioning ? { 'x-amz-copy-source-version-id': sourceVersion.versionId } : {}),
      },
    );
  }

  /** S3's DeleteObject: a version for good, or a delete marker on a versioned bucket. */
  private async deleteObject(
    bucket: string,
    key: string,
    versionId: string | undefined,
  ): Promise<{ versionId?: string; deleteMarker: boolean }> {
    const config = this.bucketConfig(bucket);
    if (versionId !== undefined) {
      const known = this.store.versions(bucket, key).some((v) => v.versionId === versionId);
      // An unknown but well-formed id is a no-op (204), as S3 answers; a malformed one is refused.
      if (!known && !isVersionIdShape(versionId))
        throw s3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
      const removed = await this.store.deleteVersion(bucket, key, versionId);
      return { versionId, deleteMarker: removed?.deleteMarker ?? false };
    }
    if (config.versioning === 'Enabled' || config.versioning === 'Suspended') {
      const marker = await this.store.putDeleteMarker(bucket, key, this.now());
      return { versionId: marker.versionId, deleteMarker: true };
    }
    await this.store.deleteVersion(bucket, key, 'null');
    return { deleteMarker: false };
  }

  private async deleteObjects(x: Exchange, bucket: string): Promise<void> {
    this.bucketConfig(bucket);
    checkContentMd5(headerOf(x.req, 'content-md5'), x.body);
    const document = this.parseBody(x);
    if (document.name !== 'Delete') throw s3Errors.malformedXml();
    const quiet = childText(document, 'Quiet')?.trim() === 'true';
    const objects = childrenNamed(document, 'Object');
    if (objects.length === 0 || objects.length > 1000) throw s3Errors.malformedXml();
    const results: XmlElement[] = [];
    for (const object of objects) {
      const key = childText(object, 'Key');
      const versionId = childText(object, 'VersionId');
      if (key === undefined || key === '') throw s3Errors.malformedXml();
      try {
        this.authorize(x.caller ?? '', deleteObjectAccess(bucket, key, versionId));
        const result = await this.deleteObject(bucket, key, versionId);
        if (quiet) continue;
        const markerCreated = versionId === undefined && result.deleteMarker;
        results.push([
          'Deleted',
          [
            ['Key', key],
            ['VersionId', versionId],
            ['DeleteMarker', result.deleteMarker ? true : undefined],
            [
              'DeleteMarkerVersionId',
              markerCreated
                ? result.versionId
                : versionId !== undefined && result.deleteMarker
                  ? versionId
                  : undefined,
            ],
          ],
        ]);
      } catch (error) {
        const failure =
          error instanceof AwsError
            ? error
            : new S3Error('InternalError', 'We encountered an internal error.', 500);
        results.push([
          'Error',
          [
            ['Key', key],
            ['VersionId', versionId],
            ['Code', failure.code],
            ['Message', failure.message],
          ],
        ]);
      }
    }
    this.sendXml(x, 'DeleteResult', results);
  }

  // ---- browser POST upload ---------------------------------------------------------------------

  private async postObject(x: Exchange, bucket: string): Promise<void> {
    const config = this.bucketConfig(bucket);
    const boundary = boundaryOf(headerOf(x.req, 'content-type')) ?? '';
    const form = parseMultipartForm(x.body, boundary);
    const fields = new Map<string, string>();
    for (const [name, value] of form.fields) fields.set(name.toLowerCase(), value);
    const file = form.file;
    if (!file)
      throw s3Errors.invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
    const rawKey = fields.get('key');
    // S3 substitutes the literal `${filename}` in the key with the uploaded file's name.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder, not a template
    if (rawKey !== undefined) fields.set('key', rawKey.replaceAll('${filename}', file.filename));

    const { accessKeyId } = checkPostPolicy({
      bucket,
      fields,
      fileSize: file.data.length,
      now: this.now(),
      secretFor: (id) => this.authorizer.secretFor(id),
    });
    const key = fields.get('key') ?? '';
    // The policy's signer must itself be allowed to write the key, as with any presigned request.
    this.authorize(accessKeyId, s3Access('PostObject', bucket, key, new URLSearchParams()));
    await this.injectFault('PostObject', key);
    if (key === '') throw s3Errors.invalidArgument('User key must have a length greater than 0.', 'key', key);

    const headers: Record<string, string> = {};
    for (const [name, value] of fields) {
      if (name.startsWith('x-amz-meta-') || storedHeaderNames.includes(name)) headers[name] = value;
    }
    checkWriteLimits(key, headers);
    checkContentMd5(fields.get('content-md5'), file.data);
    const version = await this.store.putObject(
      bucket,
      key,
      { data: file.data, contentType: fields.get('content-type') ?? 'binary/octet-stream', headers },
      this.now(),
    );
    await this.emitCreated(x, config, key, version, 'POST Object');

    const host = headerOf(x.req, 'host') ?? `${this.options.config.host}:${this.options.config.port}`;
    const location = `http://${host}/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
    const responseHeaders = { etag: version.etag, location, ...versionHeader(config, version) };
    const redirect = fields.get('success_action_redirect');
    if (redirect) {
      const target = new URL(redirect);
      target.searchParams.set('bucket', bucket);
      target.searchParams.set('key', key);
      target.searchParams.set('etag', version.etag);
      return this.send(x, 303, { ...responseHeaders, location: target.toString() });
    }
    const status = fields.get('success_action_status');
    if (status === '201') {
      return this.send(
        x,
        201,
        { ...responseHeaders, 'content-type': 'application/xml' },
        xmlDocument(
          'PostResponse',
          [
            ['Location', location],
            ['Bucket', bucket],
            ['Key', key],
            ['ETag', version.etag],
          ],
          false,
        ),
      );
    }
    this.send(x, status === '200' ? 200 : 204, responseHeaders);
  }

  private async emitCreated(
    x: Exchange,
    config: BucketConfig,
    key: string,
    version: ObjectVersion,
    reason: ObjectCreatedReason,
  ): Promise<void> {
    const { onObjectCreated } = this.options;
    if (!onObjectCreated) return;
    // S3's sequencer: a hex string that grows with each event for a key.
    this.sequence += 1n;
    const sequencer = (BigInt(this.now().getTime()) * 1_000_000n + this.sequence)
      .toString(16)
      .toUpperCase()
      .padStart(18, '0');
    const event = objectCreatedEvent(
      {
        bucket: config.name,
        key,
        size: version.size,
        etag: version.etag.replaceAll('"', ''),
        ...(config.versioning === 'Enabled' ? { versionId: version.versionId } : {}),
        sequencer,
      },
      reason,
      {
        account: this.options.config.accountId,
        region: this.options.config.region,
        requestId: x.requestId,
        sourceIp: x.req.socket.remoteAddress,
        time: this.now(),
      },
    );
    try {
      await onObjectCreated(event);
    } catch (error) {
      // The object is stored but its event is not durable: the upload must not be answered as a
      // success (the client would never see its image processed). A retry stores it again.
      console.error('[s3] onObjectCreated failed', error);
      throw new S3Error('ServiceUnavailable', 'Please reduce your request rate.', 503);
    }
  }
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}

function versionHeader(config: BucketConfig, version: ObjectVersion): Record<string, string> {
  return config.versioning ? { 'x-amz-version-id': version.versionId } : {};
}

/** Whether a version id could be one S3 issued ('null', or its opaque token); else InvalidArgument. */
function isVersionIdShape(versionId: string): boolean {
  return versionId === 'null' || /^[A-Za-z0-9_.+/=-]{8,}$/.test(versionId);
}
