/** Messages between the Lambda provider and a function's worker thread. */

export interface WorkerInit {
  /** Absolute path of the handler module (exports `handler`). */
  entry: string;
  functionName: string;
  memoryMb: number;
  region: string;
  accountId: string;
}

export interface InvokeMessage {
  type: 'invoke';
  awsRequestId: string;
  /** JSON text of the event, as Lambda passes it. */
  event: string;
  deadlineMs: number;
}

/** The worker says it imported the handler (or could not). */
export type ReadyMessage =
  | { type: 'ready' }
  | { type: 'init-error'; errorType: string; errorMessage: string };

export type ResultMessage =
  | { type: 'result'; awsRequestId: string; ok: true; payload: string }
  | {
      type: 'result';
      awsRequestId: string;
      ok: false;
      errorType: string;
      errorMessage: string;
      trace: string[];
    };

export type WorkerMessage = ReadyMessage | ResultMessage;
