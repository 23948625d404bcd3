/** Test harness: the S3 provider served on a free port (local/serve-provider.ts), and a real S3Client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config.ts';
import type { FaultRegistry } from '../../faults.ts';
import { providerContext } from '../../provider-context.ts';
import { serveProvider } from '../../serve-provider.ts';
import { type ObjectCreatedEvent, S3Provider } from './index.ts';

export interface Harness {
  provider: S3Provider;
  s3: S3Client;
  endpoint: string;
  dataDir: string;
  events: ObjectCreatedEvent[];
  /** Moves the provider's clock (not the client's). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export async function startHarness(
  bucket: string,
  dataDir?: string,
  faults?: FaultRegistry,
  /** Replaces the recorder (which stays the default) as the event hook. */
  onObjectCreated?: (event: ObjectCreatedEvent) => void | Promise<void>,
): Promise<Harness> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'darkroom-s3-')));
  const config = loadConfig({}, { dataDir: dir });
  const events: ObjectCreatedEvent[] = [];
  let offset = 0;
  const provider = new S3Provider({
    ...providerContext(config, { clock: () => new Date(Date.now() + offset), ...(faults ? { faults } : {}) }),
    onObjectCreated: onObjectCreated ?? ((event) => void events.push(event)),
  });
  await provider.start();
  await provider.createBucket(bucket);

  const server = await serveProvider((request) => provider.handle(request));
  const { endpoint } = server;
  const s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: config.region,
    credentials: config.credentials,
  });

  return {
    provider,
    s3,
    endpoint,
    dataDir: dir,
    events,
    advanceClock: (ms) => {
      offset += ms;
    },
    close: async () => {
      s3.destroy();
      await server.close();
      await provider.stop();
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
