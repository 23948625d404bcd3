/**
 * Test harness: the SQS provider behind a real edge (SigV4 checked, routed by the credential scope)
 * on a free port, and a real SQSClient. `restart` and `crash` swap in a new provider on the same
 * data folder, behind the same edge.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type LocalConfig, loadConfig } from '../../config.ts';
import { type Edge, startEdge } from '../../edge.ts';
import type { FaultRegistry } from '../../faults.ts';
import type { Authorizer } from '../../iam/local-iam.ts';
import { providerContext } from '../../provider-context.ts';
import { SqsProvider } from './index.ts';

export interface SqsHarness {
  sqs: SqsProvider;
  client: SQSClient;
  edge: Edge;
  config: LocalConfig;
  /** stop() and a new provider on the same folder. */
  restart(): Promise<void>;
  /** The provider dropped without stop() (a kill -9), then a new one on the same folder. */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export async function startSqsHarness(
  options: { faults?: FaultRegistry; authorizer?: Authorizer } = {},
): Promise<SqsHarness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-sqs-'));
  const config = loadConfig({}, { port: 0, dataDir });
  let url = '';
  const make = () =>
    new SqsProvider({
      ...providerContext(config, options.faults ? { faults: options.faults } : {}),
      endpoint: () => url,
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    });
  const harness = { config } as SqsHarness;
  harness.sqs = make();
  await harness.sqs.start();
  harness.edge = await startEdge({
    config,
    provider: (name) => (name === 'sqs' ? harness.sqs : undefined),
    admin: async () => {},
    log: () => {},
    ...(options.authorizer ? { secretFor: (id: string) => options.authorizer?.secretFor(id) } : {}),
  });
  url = harness.edge.url;
  harness.client = new SQSClient({
    endpoint: url,
    region: config.region,
    credentials: config.credentials,
    maxAttempts: 1,
  });
  harness.restart = async () => {
    await harness.sqs.stop();
    harness.sqs = make();
    await harness.sqs.start();
  };
  harness.crash = async () => {
    harness.sqs.crash();
    harness.sqs = make();
    await harness.sqs.start();
  };
  harness.close = async () => {
    harness.client.destroy();
    await harness.edge.close();
    await harness.sqs.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  return harness;
}
