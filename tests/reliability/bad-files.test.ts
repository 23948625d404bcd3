/**
 * A corpus of 44 kinds of files (corpus.ts) through the real upload flow: each ends COMPLETED or
 * FAILED with the code naming its cause, and the stack is healthy afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from '../integration/support.ts';
import { createUser, type TestUser } from '../integration/users.ts';
import { buildCorpus, type CorpusFile } from './corpus.ts';
import { printSummary, record } from './summary.ts';
import { post, requestUpload, terminalOutcome } from './upload-flow.ts';

let user: TestUser;
let corpus: CorpusFile[];

beforeAll(async () => {
  [user, corpus] = await Promise.all([createUser('corpus'), buildCorpus()]);
});

afterAll(() => printSummary('bad-file corpus'));

/** Runs `work` over `items`, `width` at a time (the machine has 2 cores; the pipeline is the load). */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

describe('the bad-file corpus through the real upload flow', () => {
  it('has at least 40 kinds', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it('ends every file terminal, with the code naming its cause', async () => {
    const outcomes = await inBatches(corpus, 6, async (file) => {
      const ticket = await requestUpload(user, file.contentType, file.bytes.length, `${file.kind}.bin`);
      const response = await post(ticket, file.bytes, file.contentType);
      const actual = response.ok ? await terminalOutcome(user, ticket.id) : `POST ${response.status}`;
      record({ area: 'bad files', case: file.kind, expected: file.expected, actual });
      return [file.kind, actual] as const;
    });
    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries(corpus.map((file) => [file.kind, file.expected])),
    );
  }, 180_000);

  it('leaves the stack healthy: every provider ready, a good upload still completes', async () => {
    expect(await admin<{ status: string }>('health')).toMatchObject({ status: 'ok' });
    const good = corpus.find((file) => file.kind === 'JPEG') as CorpusFile;
    const ticket = await requestUpload(user, good.contentType, good.bytes.length);
    expect((await post(ticket, good.bytes, good.contentType)).status).toBe(204);
    expect(await terminalOutcome(user, ticket.id)).toBe('COMPLETED');
  });
});
