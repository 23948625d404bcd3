import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchForReload } from './hot-reload.ts';

describe('watchForReload', () => {
  it('reloads once per burst of saves to resolvers or the schema, ignoring tests and other files', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'darkroom-watch-'));
    await mkdir(path.join(root, 'resolvers', 'Mutation.requestUpload'), { recursive: true });
    const reloads: string[][] = [];
    const lines: string[] = [];
    let resolveReload: () => void = () => {};
    const reloaded = () =>
      new Promise<void>((resolve) => {
        resolveReload = resolve;
      });
    const watcher = watchForReload({
      root,
      debounceMs: 50,
      log: (line) => lines.push(line),
      reload: async () => {
        reloads.push([...lines]);
        resolveReload();
      },
    });
    try {
      let next = reloaded();
      await writeFile(path.join(root, 'resolvers', 'Query.getImage.[images].ts'), 'export const a = 1;');
      await writeFile(
        path.join(root, 'resolvers', 'Mutation.requestUpload', '1.validate.[none].ts'),
        'export const b = 1;',
      );
      await next;
      next = reloaded();
      await writeFile(path.join(root, 'resolvers', 'x.test.ts'), 'ignored');
      await writeFile(path.join(root, 'README.md'), 'ignored');
      await writeFile(path.join(root, 'schema.graphql'), 'type Query { a: Int }');
      await next;

      expect(reloads).toHaveLength(2);
      expect(lines[0]).toMatch(
        /Mutation\.requestUpload\/1\.validate\.\[none\]\.ts, resolvers\/Query\.getImage\.\[images\]\.ts changed/,
      );
      expect(lines[1]).toBe('[hot-reload] schema.graphql changed: reloading');
    } finally {
      watcher.close();
    }
  });
});
