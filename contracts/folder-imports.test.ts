/**
 * The import rules between the repository's top-level folders (docs/contracts.md, "Folders and
 * imports"), read from every .ts/.tsx file:
 * - shipped code (everything but test code) has no import cycle between top-level folders;
 * - contracts/ code imports no project folder except generated/;
 * - only test code imports tests/. Test code is everything under tests/, bench/ and scripts/
 *   (benchmarks and dev scripts reuse the test fixtures), `*.test.ts(x)`, `*.bench.ts`, and
 *   modules in a `test-support/` folder. Test code may import any folder: it exercises the parts
 *   together, so its edges are left out of the cycle check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const projectFolders = [
  'bench',
  'client-sdk',
  'contracts',
  'functions',
  'generated',
  'infra',
  'local',
  'resolvers',
  'scripts',
  'tests',
  'web',
] as const;
const testFolders = new Set(['tests', 'bench', 'scripts']);

interface Edge {
  file: string;
  from: string;
  to: string;
  test: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : sourceFiles(relative);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

function isTestCode(file: string): boolean {
  return (
    testFolders.has(file.split('/')[0] ?? '') ||
    /\.(test|bench)\.tsx?$/.test(file) ||
    file.split('/').includes('test-support')
  );
}

/** Every relative import (static, type-only, re-export or literal dynamic import) that leaves its top folder. */
function crossFolderEdges(): Edge[] {
  const files = projectFolders.flatMap(sourceFiles);
  return files.flatMap((file) => {
    const from = file.split('/')[0] ?? '';
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    return importedFiles.flatMap(({ fileName }): Edge[] => {
      if (!fileName.startsWith('.')) return [];
      const target = path.relative(root, path.resolve(root, path.dirname(file), fileName));
      const to = target.split(path.sep)[0] ?? '';
      if (to === from || !(projectFolders as readonly string[]).includes(to)) return [];
      return [{ file, from, to, test: isTestCode(file) }];
    });
  });
}

/** A cycle in the folder graph, as the list of folders along it, or undefined. */
function findCycle(edges: readonly Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const done = new Set<string>();
  const visit = (folder: string, trail: string[]): string[] | undefined => {
    const seen = trail.indexOf(folder);
    if (seen >= 0) return [...trail.slice(seen), folder];
    if (done.has(folder)) return undefined;
    for (const to of next.get(folder) ?? []) {
      const cycle = visit(to, [...trail, folder]);
      if (cycle) return cycle;
    }
    done.add(folder);
    return undefined;
  };
  for (const folder of next.keys()) {
    const cycle = visit(folder, []);
    if (cycle) return cycle;
  }
  return undefined;
}

const edges = crossFolderEdges();
const shipped = edges.filter((edge) => !edge.test);
const describeEdges = (list: readonly Edge[]) => list.map(({ file, to }) => `${file} → ${to}/`);

describe('imports between top-level folders', () => {
  it('reads the imports of every folder, type-only and re-exports included', () => {
    for (const from of ['infra', 'local', 'resolvers', 'functions']) {
      expect(shipped, `${from} → contracts`).toContainEqual(
        expect.objectContaining({ from, to: 'contracts' }),
      );
    }
    expect(shipped).toContainEqual(
      expect.objectContaining({ file: 'contracts/image-item.ts', to: 'generated' }),
    );
    expect(edges).toContainEqual(expect.objectContaining({ from: 'tests', to: 'infra', test: true }));
  });

  it('has no cycle between folders in shipped code', () => {
    const cycle = findCycle(shipped);
    const along = (cycle ?? [])
      .slice(1)
      .map((to, i) =>
        describeEdges(shipped.filter((edge) => edge.from === cycle?.[i] && edge.to === to).slice(0, 3)).join(
          ', ',
        ),
      );
    expect(cycle, `cycle ${cycle?.join(' → ')}: ${along.join('; ')}`).toBeUndefined();
  });

  it('keeps contracts/ free of every project folder but generated/', () => {
    const outward = shipped.filter((edge) => edge.from === 'contracts' && edge.to !== 'generated');
    expect(describeEdges(outward)).toEqual([]);
  });

  it('lets only test code import tests/', () => {
    expect(describeEdges(shipped.filter((edge) => edge.to === 'tests'))).toEqual([]);
  });

  it('finds a cycle when there is one, naming the folders along it', () => {
    const edge = (from: string, to: string): Edge => ({ file: `${from}/x.ts`, from, to, test: false });
    expect(findCycle([edge('infra', 'contracts'), edge('local', 'resolvers')])).toBeUndefined();
    expect(
      findCycle([edge('infra', 'resolvers'), edge('resolvers', 'local'), edge('local', 'infra')]),
    ).toEqual(['infra', 'resolvers', 'local', 'infra']);
  });
});
