import { describe, expect, it } from 'vitest';
import { createContext } from '../runtime/index.ts';
import { LambdaDataSource } from './lambda.ts';

describe('the Lambda data source', () => {
  it('reports a function error as Lambda:Unhandled in ctx.error', async () => {
    const failing = new LambdaDataSource('deleteImage', 'darkroom-delete-image', async () => {
      throw Object.assign(new Error('image 42 is gone'), { name: 'NotFound' });
    });
    const outcome = await failing.run({
      request: { operation: 'Invoke', payload: { id: '42' } },
      ctx: createContext(),
      batchKey: 'Mutation.deleteImage',
      batches: new Map(),
    });
    expect(outcome).toEqual({
      result: null,
      error: { message: 'image 42 is gone', type: 'Lambda:Unhandled' },
    });
  });

  it('sends the resolver context as the event when the request has no payload', async () => {
    const events: unknown[] = [];
    const echo = new LambdaDataSource('echo', 'echo', async (_name, event) => {
      events.push(event);
      return 'ok';
    });
    const ctx = createContext({ arguments: { id: '7' }, source: { owner: 'o' }, info: { fieldName: 'f' } });
    expect(
      await echo.run({ request: { operation: 'Invoke' }, ctx, batchKey: 'k', batches: new Map() }),
    ).toEqual({
      result: 'ok',
    });
    expect(events[0]).toMatchObject({
      arguments: { id: '7' },
      source: { owner: 'o' },
      info: { fieldName: 'f' },
    });
  });
});
