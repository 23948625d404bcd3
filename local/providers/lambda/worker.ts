/**
 * The body of one function's worker thread: imports the handler once (kept warm), then runs one
 * invocation at a time with a Lambda-shaped context, answering JSON as Lambda's runtime does.
 */

import { flushCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { InvokeMessage, WorkerInit, WorkerMessage } from './protocol.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown> | unknown;

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread');

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

function describe(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

function contextFor(message: InvokeMessage) {
  const { functionName, memoryMb, region, accountId } = init;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: message.awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

// The provider enables Node's on-disk code cache for this thread (NODE_COMPILE_CACHE, read as the
// thread starts); the handler sees the environment a Lambda function has, without it.
const compileCache = process.env.NODE_COMPILE_CACHE;
delete process.env.NODE_COMPILE_CACHE;

let handler: Handler;
try {
  const module = (await import(pathToFileURL(init.entry).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${init.entry} exports no function "handler"`);
  handler = module.handler as Handler;
  // Written now, not only at the thread's exit: the next worker to start finds it.
  if (compileCache) flushCompileCache();
  post({ type: 'ready' });
} catch (error) {
  const { errorMessage } = describe(error);
  post({ type: 'init-error', errorType: 'Runtime.ImportModuleError', errorMessage });
  throw error;
}

port.on('message', async (message: InvokeMessage) => {
  try {
    const result = await handler(JSON.parse(message.event), contextFor(message));
    // Lambda serialises the result as JSON: undefined becomes null, Dates become strings.
    post({
      type: 'result',
      awsRequestId: message.awsRequestId,
      ok: true,
      payload: JSON.stringify(result ?? null),
    });
  } catch (error) {
    post({ type: 'result', awsRequestId: message.awsRequestId, ok: false, ...describe(error) });
  }
});
