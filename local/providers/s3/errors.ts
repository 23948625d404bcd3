/** S3's errors: the code and HTTP status clients switch on, rendered as S3's `<Error>` document. */
import { AwsError } from '../../provider.ts';
import { type XmlElement, xmlDocument } from './xml.ts';

/** An S3 error with the extra elements S3 puts in its `<Error>` (Key, BucketName, …). */
export class S3Error extends AwsError {
  constructor(
    code: string,
    message: string,
    status = 400,
    readonly detail: Record<string, string | number> = {},
    /** Headers S3 sends with this error (x-amz-delete-marker on a hidden key). */
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string, headers: Record<string, string> = {}) =>
    new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }, headers),
  noSuchVersion: (key: string, versionId: string) =>
    new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, {
      Key: key,
      VersionId: versionId,
    }),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    ),
  accessDenied: (message = 'Access Denied') => new S3Error('AccessDenied', message, 403),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error(
      'InvalidArgument',
      message,
      400,
      name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
    ),
  notImplemented: (what: string) =>
    new S3Error(
      'NotImplemented',
      `A header or query you provided implies functionality that is not implemented: ${what}`,
      501,
    ),
};

export function errorDocument(error: AwsError, requestId: string, resource?: string): string {
  const detail = error instanceof S3Error ? error.detail : {};
  const children: XmlElement[] = [
    ['Code', error.code],
    ['Message', error.message],
    ...Object.entries(detail).map(([name, value]): XmlElement => [name, value]),
    ['Resource', resource],
    ['RequestId', requestId],
  ];
  return xmlDocument('Error', children, false);
}
