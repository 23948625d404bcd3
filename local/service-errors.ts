/**
 * An error the edge answers for a service before its provider runs (signature, region, body size),
 * in that service's own wire protocol: S3 answers an XML `<Error>`; SNS speaks the query protocol and its SDK client parses only
 * an XML `<ErrorResponse>`, where the same failures carry the query services' codes.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from './provider.ts';
import { escapeXml } from './providers/s3/xml.ts';

/** Services whose SDK clients read query-protocol (XML) errors. */
const queryProtocolNamespaces: Record<string, string> = {
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
};

/** The JSON services' signature codes as the query services name them. */
const queryCodes: Record<string, string> = {
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  AccessDeniedException: 'AccessDenied',
};

/** An AWS-style JSON error (`__type` + message, and the header the SDKs read the code from). */
export function sendAwsError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { __type: code, message }, { 'x-amzn-errortype': code });
}

/** The error as `service` would send it: query-protocol XML for SNS, AWS JSON otherwise. */
export function sendServiceError(
  res: ServerResponse,
  service: string,
  status: number,
  code: string,
  message: string,
): void {
  if (service === 's3') {
    // S3's REST-XML error document, which its SDK client reads the code from.
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${crypto.randomUUID()}</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const xmlns = queryProtocolNamespaces[service];
  if (xmlns === undefined) {
    sendAwsError(res, status, code, message);
    return;
  }
  const queryCode = queryCodes[code] ?? code;
  const body = `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${escapeXml(queryCode)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
