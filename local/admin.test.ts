import { afterEach, describe, expect, it } from 'vitest';
import { createAdmin } from './admin.ts';
import { loadConfig } from './config.ts';
import { type Edge, startEdge } from './edge.ts';
import { FaultRegistry } from './faults.ts';
import type { Provider } from './provider.ts';

function provider(name: string, ready: boolean, resets: string[]): Provider {
  return {
    name,
    start: async () => {},
    stop: async () => {},
    reset: async () => void resets.push(name),
    health: () => ({ ready, detail: ready ? 'up' : 'starting' }),
  };
}

let edge: Edge | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function adminOver(providers: Provider[], faults = new FaultRegistry(), afterReset = async () => {}) {
  const admin = createAdmin({
    providers: () => providers,
    faults,
    afterReset,
    snsMessages: () => [{ Message: 'm' }],
    lambdaInvocations: () => ({ 'darkroom-sign-urls': 3 }),
  });
  edge = await startEdge({
    config: loadConfig({}, { port: 0, dataDir: '/tmp/unused' }),
    provider: () => undefined,
    admin,
  });
  return edge.url;
}

describe('the admin API', () => {
  it('answers health 503 until every provider is ready, then 200', async () => {
    const resets: string[] = [];
    const providers = [provider('s3', true, resets), provider('dynamodb', false, resets)];
    const url = await adminOver(providers);
    const starting = await fetch(`${url}/_darkroom/health`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({
      status: 'starting',
      providers: { s3: { ready: true, detail: 'up' }, dynamodb: { ready: false, detail: 'starting' } },
    });
    providers[1] = provider('dynamodb', true, resets);
    expect((await fetch(`${url}/_darkroom/health`)).status).toBe(200);
  });

  it('resets every provider and clears the faults, then lets the stack recreate its resources', async () => {
    const resets: string[] = [];
    const faults = new FaultRegistry();
    faults.set([{ service: 'sns', error: 'Throttling' }]);
    let recreated = false;
    const url = await adminOver(
      [provider('s3', true, resets), provider('sns', true, resets)],
      faults,
      async () => {
        recreated = resets.length === 2;
      },
    );
    const response = await fetch(`${url}/_darkroom/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(resets).toEqual(['s3', 'sns']);
    expect(faults.all()).toEqual([]);
    expect(recreated).toBe(true);
  });

  it('answers 404 for a service the stack does not run', async () => {
    const url = await adminOver([]);
    expect((await fetch(`${url}/_darkroom/executions`)).status).toBe(404);
    expect(await (await fetch(`${url}/_darkroom/sns/messages`)).json()).toEqual([{ Message: 'm' }]);
  });

  it("reports each Lambda function's invocation count", async () => {
    const url = await adminOver([]);
    expect(await (await fetch(`${url}/_darkroom/lambda/invocations`)).json()).toEqual({
      'darkroom-sign-urls': 3,
    });
  });
});
