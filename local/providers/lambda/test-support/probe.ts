/** A handler the Lambda provider's tests run: it echoes, sleeps, or throws as the event asks. */
interface ProbeEvent {
  sleepMs?: number;
  throwName?: string;
  message?: string;
}

class NamedError extends Error {}

export async function handler(
  event: ProbeEvent,
  context: { awsRequestId: string; getRemainingTimeInMillis(): number; functionName: string },
) {
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.throwName) {
    const error = new NamedError(event.message ?? 'probe failed');
    error.name = event.throwName;
    throw error;
  }
  return {
    event,
    functionName: context.functionName,
    awsRequestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
    tableName: process.env.TABLE_NAME ?? null,
    topicArn: process.env.TOPIC_ARN ?? null,
    endpoint: process.env.AWS_ENDPOINT_URL ?? null,
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? null,
    compileCache: process.env.NODE_COMPILE_CACHE ?? null,
    threadStartedAt: startedAt,
  };
}

const startedAt = Date.now();
