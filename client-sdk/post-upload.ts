/**
 * Sends a file to S3 with a presigned POST, reporting upload progress: XMLHttpRequest in
 * browsers (fetch cannot report upload progress), node:http in Node. S3's XML error becomes an
 * UploadRejectedError carrying S3's code.
 */
import { AbortedError, UploadRejectedError } from './errors.ts';

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export type UploadBody = Blob | Uint8Array;

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface PostOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** S3 answers errors as `<Error><Code>…</Code><Message>…</Message></Error>`. */
export function parseS3Error(status: number, body: string): UploadRejectedError {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? (body.slice(0, 200) || 'no message');
  return new UploadRejectedError(code, message, status);
}

export async function postUpload(
  post: PresignedPost,
  body: UploadBody,
  options: PostOptions = {},
): Promise<void> {
  if (options.signal?.aborted) throw new AbortedError('upload aborted');
  if (typeof XMLHttpRequest !== 'undefined') return postWithXhr(post, body, options);
  return postWithNodeHttp(post, body, options);
}

function postWithXhr(
  post: PresignedPost,
  body: UploadBody,
  { onProgress, signal }: PostOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    // S3 reads every field before the file: the file must be the last part.
    form.append('file', body instanceof Blob ? body : new Blob([body as Uint8Array<ArrayBuffer>]));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', post.url);
    xhr.upload.onprogress = (event) => onProgress?.({ loaded: event.loaded, total: event.total });
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(parseS3Error(xhr.status, xhr.responseText)));
    xhr.onerror = () => reject(new UploadRejectedError('NetworkError', 'the upload could not reach S3', 0));
    xhr.onabort = () => reject(new AbortedError('upload aborted'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

async function postWithNodeHttp(post: PresignedPost, body: UploadBody, { onProgress, signal }: PostOptions) {
  const file = body instanceof Blob ? new Uint8Array(await body.arrayBuffer()) : body;
  const boundary = `----darkroom${crypto.randomUUID().replaceAll('-', '')}`;
  const head = Object.entries(post.fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  const payload = Buffer.concat([
    Buffer.from(
      `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const url = new URL(post.url);
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  await new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': payload.length,
        },
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 300) resolve();
          else reject(parseS3Error(status, Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    req.on('error', (error) =>
      reject(
        signal?.aborted
          ? new AbortedError('upload aborted')
          : new UploadRejectedError('NetworkError', error.message, 0),
      ),
    );
    const total = payload.length;
    const chunkSize = 64 * 1024;
    let offset = 0;
    const writeNext = () => {
      while (offset < total) {
        const end = Math.min(offset + chunkSize, total);
        const chunk = payload.subarray(offset, end);
        offset = end;
        const more = req.write(chunk, () => onProgress?.({ loaded: end, total }));
        if (!more) {
          req.once('drain', writeNext);
          return;
        }
      }
      req.end();
    };
    writeNext();
  });
}
