/**
 * Platform trouble on the real upload flow: 20 % injected faults on every service the pipeline
 * touches (nothing stuck, nothing lost), and EventBridge deliveries duplicated and dropped.
 */
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { admin, eventually, executionsFor, snsMessagesAbout } from '../integration/support.ts';
import { createUser, type TestUser } from '../integration/users.ts';
import { printSummary, record } from './summary.ts';
import { imageOf, post, requestUpload, type Ticket, terminalOutcome } from './upload-flow.ts';

let user: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  user = await createUser('faults');
  jpeg = await sharp(photo('chelsea.png')).resize(240).jpeg().toBuffer();
});

afterEach(async () => {
  await admin('faults', { method: 'DELETE' });
});

afterAll(() => printSummary('faults and events'));

const setFaults = (faults: unknown[]) => admin('faults', { method: 'PUT', body: JSON.stringify(faults) });

/** A client retries what a service answered 5xx/429 to, with backoff, as Amplify and browsers do. */
async function withRetries<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** n));
    }
  }
}

async function upload(): Promise<Ticket> {
  const ticket = await withRetries(() => requestUpload(user, 'image/jpeg', jpeg.length));
  await withRetries(async () => {
    const response = await post(ticket, jpeg, 'image/jpeg');
    if (response.status !== 204) throw new Error(`POST ${response.status}`);
  });
  return ticket;
}

const outcome = (ticket: Ticket) => withRetries(() => terminalOutcome(user, ticket.id, 90_000), 2);

describe('20 % faults across every service', () => {
  it('ends every upload COMPLETED: retries absorb the trouble, nothing is stuck or lost', async () => {
    const rate = 0.2;
    await setFaults([
      { service: 's3', operation: 'GetObject', error: 'SlowDown', status: 503, rate },
      { service: 's3', operation: 'PutObject', error: 'SlowDown', status: 503, rate },
      { service: 's3', operation: 'HeadObject', error: 'SlowDown', status: 503, rate },
      { service: 'dynamodb', error: 'ProvisionedThroughputExceededException', rate },
      { service: 'lambda', operation: 'Invoke', error: 'TooManyRequestsException', status: 429, rate },
      { service: 'rekognition', error: 'ThrottlingException', rate },
      { service: 'sns', operation: 'Publish', error: 'Throttling', rate },
      { service: 'states', operation: 'StartExecution', error: 'ThrottlingException', rate },
      { service: 'sqs', error: 'ServiceUnavailable', status: 503, rate },
      { service: 'events', operation: 'Deliver', error: 'InternalException', rate },
      { service: 'appsync', operation: 'GraphQL', error: 'InternalFailureException', rate },
      { service: 'cognito-idp', error: 'InternalErrorException', status: 500, rate },
    ]);
    const tickets: Ticket[] = [];
    for (let i = 0; i < 6; i += 1) tickets.push(await upload());
    const outcomes = await Promise.all(tickets.map(outcome));
    for (const [index, actual] of outcomes.entries())
      record({
        area: '20 % faults',
        case: `upload ${index + 1} of ${tickets.length}`,
        expected: 'COMPLETED',
        actual,
      });

    expect(outcomes).toEqual(tickets.map(() => 'COMPLETED'));
    await setFaults([]);
    expect(await admin<{ status: string }>('health')).toMatchObject({ status: 'ok' });
  }, 150_000);
});

describe('EventBridge deliveries', () => {
  it('processes a duplicated upload event once: one COMPLETED image, one notification', async () => {
    await setFaults([
      {
        service: 'events',
        operation: 'Deliver',
        match: `uploads/${user.sub}/*`,
        action: 'duplicate',
        count: 1,
      },
    ]);
    const ticket = await upload();
    const key = keys.original(user.sub, ticket.id);
    const actual = await outcome(ticket);
    const executions = await eventually(async () => {
      const found = await executionsFor(key);
      return found.length === 2 && found.every((execution) => execution.status !== 'RUNNING')
        ? found
        : undefined;
    });
    const notifications = (await snsMessagesAbout(ticket.id)).length;
    record({
      area: 'events',
      case: 'duplicated delivery',
      expected: 'COMPLETED, 2 executions, 1 notification',
      actual: `${actual}, ${executions.length} executions, ${notifications} notification`,
    });

    expect(actual).toBe('COMPLETED');
    expect(notifications).toBe(1);
  }, 90_000);

  it('leaves an upload whose event was dropped waiting (never falsely done), and completes it when the client uploads again', async () => {
    await setFaults([
      { service: 'events', operation: 'Deliver', match: `uploads/${user.sub}/*`, action: 'drop', count: 1 },
    ]);
    const ticket = await upload();
    const key = keys.original(user.sub, ticket.id);
    // The delivery happened, and the fault dropped it.
    await eventually(async () => {
      const deliveries = await admin<{ fault?: string }[]>('events');
      return deliveries.some((delivery) => delivery.fault === 'dropped') ? true : undefined;
    });
    const executions = (await executionsFor(key)).length;
    const waiting = (await imageOf(user, ticket.id))?.status;
    // The client sees no result and retries its POST with the same ticket.
    expect((await post(ticket, jpeg, 'image/jpeg')).status).toBe(204);
    const actual = await outcome(ticket);
    record({
      area: 'events',
      case: 'dropped delivery, then the client retries',
      expected: 'PENDING_UPLOAD, 0 executions, then COMPLETED',
      actual: `${waiting}, ${executions} executions, then ${actual}`,
    });

    expect(waiting).toBe('PENDING_UPLOAD');
    expect(executions).toBe(0);
    expect(actual).toBe('COMPLETED');
  }, 90_000);
});
