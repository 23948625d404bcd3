/** Test harness: the S3 provider behind a bare node:http server on a free port, and a real S3Client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config.ts';
import type { FaultRegistry } from '../../faults.ts';
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
): Promise<Harness> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'darkroom-s3-')));
  const config = loadConfig({}, { dataDir: dir });
  const events: ObjectCreatedEvent[] = [];
  let offset = 0;
  const provider = new S3Provider({
    config,
    onObjectCreated: (event) => events.push(event),
    faults,
    now: () => new Date(Date.now() + offset),
  });
  await provider.start();
  await provider.createBucket(bucket);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      provider.handle({ req, res, url, body: Buffer.concat(chunks) }).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : undefined);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.stop();
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
