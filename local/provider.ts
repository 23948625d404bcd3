/** The common shape of every local stand-in of an AWS service (one module per service). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ProviderHealth {
  ready: boolean;
  detail?: string;
}

/** A request routed to a provider by the edge, with its body already read. */
export interface EdgeRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  /** The access key id whose SigV4 signature the edge verified, for the provider's IAM check. */
  caller?: string;
}

export interface Provider {
  /** The service name, as in a SigV4 credential scope (`dynamodb`, `s3`, `states`, …). */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forgets all state (tests and `POST /_darkroom/reset`). */
  reset(): Promise<void>;
  health(): ProviderHealth;
  /** Answers an HTTP request the edge routed here. */
  handle?(request: EdgeRequest): Promise<void>;
}

/** An AWS-style error: the code clients switch on and the HTTP status AWS answers with. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** Answers with a JSON body (`application/json` unless `headers` names another content type). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // undefined (a Lambda function returning nothing) answers an empty body.
  const text = JSON.stringify(body) ?? '';
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
