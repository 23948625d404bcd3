/**
 * TTL expiry cost: GetItem throughput against DynamoDB Local with ITEMS (default 100,000) items in
 * the Images table, alone and while the expiry sweep runs every second (60× the stack's rate) with
 * a batch of items falling due each round. Prints GetItem/s for both (median of rounds) and the
 * share the sweep costs; never asserts. Run: npm run bench:ttl (ITEMS=n, SECONDS=n per round).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BatchWriteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { names } from '../contracts/names.ts';
import { loadConfig } from '../local/config.ts';
import { providerContext } from '../local/provider-context.ts';
import { DynamoDbProvider } from '../local/providers/dynamodb/index.ts';
import { median } from './median.ts';

const itemCount = Number(process.env.ITEMS ?? 100_000);
const roundSeconds = Number(process.env.SECONDS ?? 5);
const rounds = 3;
const dueEachRound = 200;
const readers = 8;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-bench-ttl-'));
const provider = new DynamoDbProvider({ ...providerContext(loadConfig({}, { dataDir })), warmUpCalls: 2000 });
await provider.start();
const client = provider.client;
const now = Math.floor(Date.now() / 1000);

// Every item carries a TTL (through the provider's client, so the index sees them): the first
// `rounds * dueEachRound` fall due one batch per sweep round, the rest a day from now.
const loadStarted = Date.now();
for (let start = 0; start < itemCount; start += 25) {
  const batch = Array.from({ length: Math.min(25, itemCount - start) }, (_, offset) => {
    const index = start + offset;
    const round = Math.floor(index / dueEachRound);
    const expiresAt = round < rounds ? now + 100 + round : now + 86_400;
    return {
      PutRequest: {
        Item: {
          owner: { S: `owner-${index % 1000}` },
          id: { S: `image-${index}` },
          status: { S: 'PENDING_UPLOAD' },
          expiresAtEpoch: { N: String(expiresAt) },
        },
      },
    };
  });
  await client.send(new BatchWriteItemCommand({ RequestItems: { [names.table]: batch } }));
}
console.info(`loaded ${itemCount} items in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

async function getItemsPerSecond(seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let calls = 0;
  const reader = async () => {
    while (Date.now() < deadline) {
      const index = Math.floor(Math.random() * itemCount);
      await client.send(
        new GetItemCommand({
          TableName: names.table,
          Key: { owner: { S: `owner-${index % 1000}` }, id: { S: `image-${index}` } },
        }),
      );
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: readers }, reader));
  return calls / seconds;
}

const alone: number[] = [];
const sweeping: number[] = [];
let expired = 0;
for (let round = 0; round < rounds; round += 1) {
  alone.push(await getItemsPerSecond(roundSeconds));
  let stop = false;
  const sweeper = (async () => {
    while (!stop) {
      // One more batch falls due each round; later ticks find nothing due (the common case).
      expired += await provider.sweepExpired(now + 101 + round);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  sweeping.push(await getItemsPerSecond(roundSeconds));
  stop = true;
  await sweeper;
}

const base = median(alone);
const withSweep = median(sweeping);
console.info(`items in table: ${itemCount}; expired by the sweep: ${expired}`);
console.info(`GetItem/s alone: ${base.toFixed(0)}; while sweeping every 1 s: ${withSweep.toFixed(0)}`);
console.info(`sweep cost: ${(((base - withSweep) / base) * 100).toFixed(1)} % of GetItem throughput`);
await provider.stop();
await rm(dataDir, { recursive: true, force: true });
