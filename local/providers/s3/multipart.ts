/**
 * multipart/form-data for S3's browser POST upload, parsed from the buffered body (uploads are
 * at most 25 MB): the fields before the file, then the file. Fields after the file are ignored,
 * as S3 ignores them.
 */
import { S3Error } from './errors.ts';

export interface FormFile {
  fieldName: string;
  filename: string;
  contentType?: string;
  data: Buffer;
}

export interface PostForm {
  /** Fields in order, names as sent. */
  fields: Array<[name: string, value: string]>;
  file?: FormFile;
}

const malformed = () =>
  new S3Error(
    'MalformedPOSTRequest',
    'The body of your POST request is not well-formed multipart/form-data.',
  );

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function parseDisposition(value: string): { name?: string; filename?: string } {
  const name =
    /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*name=([^;\s]+)/i.exec(value)?.[1];
  const filename =
    /;\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
  return { name, filename };
}

export function parseMultipartForm(body: Buffer, boundary: string): PostForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: PostForm = { fields: [] };
  let position = body.indexOf(delimiter);
  if (position === -1) throw malformed();
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return form;
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw malformed();
    const headersEnd = body.indexOf('\r\n\r\n', position + 2);
    if (headersEnd === -1) throw malformed();
    const headers = new Map<string, string>();
    for (const line of body
      .subarray(position + 2, headersEnd)
      .toString('utf8')
      .split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const contentStart = headersEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), contentStart);
    if (next === -1) throw malformed();
    const content = body.subarray(contentStart, next);
    const { name, filename } = parseDisposition(headers.get('content-disposition') ?? '');
    if (name === undefined) throw malformed();
    if (filename !== undefined || name.toLowerCase() === 'file') {
      form.file = {
        fieldName: name,
        filename: filename ?? '',
        contentType: headers.get('content-type'),
        data: content,
      };
      return form;
    }
    form.fields.push([name, content.toString('utf8')]);
    position = next + 2;
  }
}
