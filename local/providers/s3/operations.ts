/** The S3 operation a path-style request names (for fault injection and logs). */

export function operationName(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  q: URLSearchParams,
  copySource: boolean,
): string {
  if (bucket === undefined) return 'ListBuckets';
  if (key === undefined) {
    const sub = (names: Record<string, string>, fallback: string) =>
      Object.entries(names).find(([param]) => q.has(param))?.[1] ?? fallback;
    switch (method) {
      case 'PUT':
        return sub({ versioning: 'PutBucketVersioning', cors: 'PutBucketCors' }, 'CreateBucket');
      case 'GET':
        return sub(
          {
            versioning: 'GetBucketVersioning',
            cors: 'GetBucketCors',
            location: 'GetBucketLocation',
            versions: 'ListObjectVersions',
          },
          q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects',
        );
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        return q.has('cors') ? 'DeleteBucketCors' : 'DeleteBucket';
      case 'POST':
        return q.has('delete') ? 'DeleteObjects' : 'PostObject';
      default:
        return method;
    }
  }
  switch (method) {
    case 'PUT':
      return copySource ? 'CopyObject' : 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return method;
  }
}
