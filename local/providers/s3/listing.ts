/** Listing a bucket as S3 does: ListObjects(V2) and ListObjectVersions, as response documents. */
import { s3Errors } from './errors.ts';
import type { ObjectStore, ObjectVersion } from './store.ts';
import { type XmlElement, xmlTime } from './xml.ts';

const maxKeysDefault = 1000;

function maxKeysOf(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null) return maxKeysDefault;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw s3Errors.invalidArgument(
      'Provided max-keys not an integer or within integer range',
      'max-keys',
      raw,
    );
  }
  return Math.min(value, maxKeysDefault);
}

/**
 * `encoding-type`: absent, or `url` (the only value of S3's EncodingType), which percent-encodes the
 * keys and prefixes in the answer; S3 refuses any other value.
 */
function keyEncodingOf(q: URLSearchParams): { encode: (s: string) => string; encodingType?: 'url' } {
  const requested = q.get('encoding-type');
  if (requested === null) return { encode: (s) => s };
  if (requested !== 'url') {
    throw s3Errors.invalidArgument(
      'Invalid Encoding Method specified in Request',
      'encoding-type',
      requested,
    );
  }
  return { encode: (s) => encodeURIComponent(s).replace(/%2F/g, '/'), encodingType: 'url' };
}

/** ListObjectsV2, or V1 without `list-type=2`: current versions in key order, paged. */
export function listObjects(store: ObjectStore, bucket: string, q: URLSearchParams): XmlElement[] {
  const v2 = q.get('list-type') === '2';
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(q);
  const token = q.get('continuation-token');
  let after = v2 ? (q.get('start-after') ?? '') : (q.get('marker') ?? '');
  if (v2 && token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:')) {
      throw s3Errors.invalidArgument(
        'The continuation token provided is incorrect',
        'continuation-token',
        token,
      );
    }
    after = decoded.slice(2);
  }
  const { encode, encodingType } = keyEncodingOf(q);

  const contents: XmlElement[] = [];
  const prefixes: XmlElement[] = [];
  let count = 0;
  let last = '';
  let truncated = false;
  for (const { key, versions } of store.sortedKeys(bucket)) {
    const current = versions[0];
    if (!current || current.deleteMarker || !key.startsWith(prefix)) continue;
    if (
      after !== '' &&
      (key <= after || (after.endsWith(delimiter) && delimiter !== '' && key.startsWith(after)))
    )
      continue;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && commonPrefix === last) continue;
    if (count >= maxKeys) {
      truncated = true;
      break;
    }
    count += 1;
    if (commonPrefix !== undefined) {
      prefixes.push(['CommonPrefixes', [['Prefix', encode(commonPrefix)]]]);
      last = commonPrefix;
    } else {
      contents.push([
        'Contents',
        [
          ['Key', encode(key)],
          ['LastModified', xmlTime(current.lastModified)],
          ['ETag', current.etag],
          ['Size', current.size],
          ['StorageClass', 'STANDARD'],
        ],
      ]);
      last = key;
    }
  }
  const common: XmlElement[] = [
    ['Name', bucket],
    ['Prefix', encode(prefix)],
    ['Delimiter', delimiter === '' ? undefined : encode(delimiter)],
    ['MaxKeys', maxKeys],
    ['EncodingType', encodingType],
    ['IsTruncated', truncated],
  ];
  if (v2) {
    return [
      ...common,
      ['KeyCount', count],
      ['ContinuationToken', token ?? undefined],
      ['NextContinuationToken', truncated ? Buffer.from(`k:${last}`).toString('base64url') : undefined],
      ['StartAfter', q.get('start-after') ?? undefined],
      ...contents,
      ...prefixes,
    ];
  } else {
    return [
      ...common,
      ['Marker', q.get('marker') ?? ''],
      ['NextMarker', truncated && delimiter !== '' ? encode(last) : undefined],
      ...contents,
      ...prefixes,
    ];
  }
}

/** ListObjectVersions: every version and delete marker, newest first within a key, paged by key and version markers. */
export function listVersions(store: ObjectStore, bucket: string, q: URLSearchParams): XmlElement[] {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionMarker = q.get('version-id-marker') ?? '';
  const maxKeys = maxKeysOf(q);
  const { encode, encodingType } = keyEncodingOf(q);

  const entries: XmlElement[] = [];
  let count = 0;
  let truncated = false;
  let next: { key: string; versionId: string } | undefined;
  let lastPrefix = '';
  outer: for (const { key, versions } of store.sortedKeys(bucket)) {
    if (!key.startsWith(prefix) || (keyMarker !== '' && key < keyMarker)) continue;
    if (key === keyMarker && versionMarker === '') continue;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut !== -1) {
      const commonPrefix = key.slice(0, cut + delimiter.length);
      if (commonPrefix === lastPrefix || (keyMarker !== '' && keyMarker.startsWith(commonPrefix))) continue;
      if (count >= maxKeys) {
        truncated = true;
        break;
      }
      count += 1;
      entries.push(['CommonPrefixes', [['Prefix', encode(commonPrefix)]]]);
      lastPrefix = commonPrefix;
      next = { key: commonPrefix, versionId: '' };
      continue;
    }
    let skipping = key === keyMarker;
    for (const [index, version] of versions.entries()) {
      if (skipping) {
        if (version.versionId === versionMarker) skipping = false;
        continue;
      }
      if (count >= maxKeys) {
        truncated = true;
        break outer;
      }
      count += 1;
      entries.push(versionElement(encode(key), version, index === 0));
      next = { key, versionId: version.versionId };
    }
  }
  return [
    ['Name', bucket],
    ['Prefix', encode(prefix)],
    ['KeyMarker', encode(keyMarker)],
    ['VersionIdMarker', versionMarker],
    ['NextKeyMarker', truncated && next ? encode(next.key) : undefined],
    ['NextVersionIdMarker', truncated && next?.versionId ? next.versionId : undefined],
    ['MaxKeys', maxKeys],
    ['Delimiter', delimiter === '' ? undefined : encode(delimiter)],
    ['EncodingType', encodingType],
    ['IsTruncated', truncated],
    ...entries,
  ];
}

function versionElement(key: string, version: ObjectVersion, isLatest: boolean): XmlElement {
  if (version.deleteMarker) {
    return [
      'DeleteMarker',
      [
        ['Key', key],
        ['VersionId', version.versionId],
        ['IsLatest', isLatest],
        ['LastModified', xmlTime(version.lastModified)],
      ],
    ];
  }
  return [
    'Version',
    [
      ['Key', key],
      ['VersionId', version.versionId],
      ['IsLatest', isLatest],
      ['LastModified', xmlTime(version.lastModified)],
      ['ETag', version.etag],
      ['Size', version.size],
      ['StorageClass', 'STANDARD'],
    ],
  ];
}
