/**
 * Hot reload for `npm start`: watches `resolvers/` and `schema.graphql` and asks the AppSync
 * provider to rebuild what changed. Changes are debounced (an editor's save is several events)
 * and reloads never overlap; the provider keeps the last good version of anything broken.
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export interface HotReloadOptions {
  /** The repository root (holds resolvers/ and schema.graphql). */
  root: string;
  reload(): Promise<unknown>;
  debounceMs?: number;
  log?: (line: string) => void;
}

export function watchForReload({ root, reload, debounceMs = 150, log = console.info }: HotReloadOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const changed = new Set<string>();

  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    const files = [...changed].sort();
    changed.clear();
    log(`[hot-reload] ${files.join(', ')} changed: reloading`);
    running = reload().then(
      () => undefined,
      (error: unknown) =>
        log(`[hot-reload] reload failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    await running;
    running = undefined;
    if (again) {
      again = false;
      await run();
    }
  };
  const schedule = (file: string) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  };

  const watchers: FSWatcher[] = [
    watch(path.join(root, 'resolvers'), { recursive: true }, (_event, file) => {
      if (file?.endsWith('.ts') && !file.endsWith('.test.ts')) schedule(path.join('resolvers', file));
    }),
    // The folder, not the file: editors replace files on save, which ends a watch on the file.
    watch(root, (_event, file) => {
      if (file === 'schema.graphql') schedule(file);
    }),
  ];
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
