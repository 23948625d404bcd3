/**
 * cognito-local keeps each user pool (and the app clients) in a JSON file that StormDB rewrites in
 * place on every change, sign-ins included (they store refresh tokens): `fs.writeFile` truncates,
 * then writes. A kill -9 between the two leaves an empty file, which StormDB reads as an empty pool
 * (every user gone), or a partial one, which stops the stack from starting; two saves in flight at
 * once can also interleave. This factory keeps cognito-local's stores and serialization and makes
 * each save atomic: written to a temporary file and renamed over the old one, one save per file at
 * a time, in call order.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore.js';
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';

/** The part of StormDB's local file engine a save goes through. */
interface FileEngine {
  path: string;
  serialize(data: unknown): string;
  write(data: unknown): Promise<void> | null;
}

/** The last save of each file, so saves never overlap (stores of one file share the chain). */
const saves = new Map<string, Promise<void>>();

function saveAtomically(engine: FileEngine, data: unknown): Promise<void> {
  // Serialized now: the state saved is the state at the call, whatever changes before the write.
  const text = engine.serialize(data);
  const previous = saves.get(engine.path) ?? Promise.resolve();
  const next = previous.then(async () => {
    const temporary = `${engine.path}.${process.pid}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, engine.path);
  });
  const settled = next.catch(() => {});
  saves.set(engine.path, settled);
  void settled.then(() => {
    if (saves.get(engine.path) === settled) saves.delete(engine.path);
  });
  return next;
}

export class AtomicDataStoreFactory implements DataStoreFactory {
  private readonly stores: StormDBDataStoreFactory;

  constructor(directory: string) {
    this.stores = new StormDBDataStoreFactory(directory);
  }

  async create(ctx: Context, id: string, defaults: object): Promise<DataStore> {
    const store = await this.stores.create(ctx, id, defaults);
    // StormDBDataStore keeps its StormDB private; its engine is the one place every save passes.
    const engine = (store as unknown as { db?: { engine?: FileEngine } }).db?.engine;
    if (typeof engine?.serialize !== 'function' || typeof engine.path !== 'string') {
      throw new Error("cognito-local's data store has changed shape: no StormDB file engine to make atomic");
    }
    engine.write = (data) => saveAtomically(engine, data);
    return store;
  }
}
