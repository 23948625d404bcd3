/**
 * Summarises a .cpuprofile (node --cpu-prof, Chrome DevTools, `BENCH_CPU_PROF` of bench:pipeline):
 * self time by source file and by function, and inclusive time by function, as ms and % of the
 * profile. Run: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [rows=25] [window.cpuprofile]
 * With a window profile, only the samples taken between its start and end count: a Lambda worker's
 * profile (DARKROOM_WORKER_CPU_PROF) spans its whole life, boot included, and a phase's main-thread
 * profile (BENCH_CPU_PROF) marks the phase. Both use the process's one monotonic clock.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArgument, windowFile] = process.argv.slice(2);
if (!file)
  throw new Error('usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [rows] [window.cpuprofile]');
const rows = Number(rowsArgument ?? 25);
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const window = windowFile
  ? (JSON.parse(await readFile(windowFile, 'utf8')) as Profile)
  : { startTime: profile.startTime, endTime: profile.endTime };
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const shortUrl = (url: string) =>
  url
    .replace(/^.*node_modules\//, 'node_modules/')
    .replace(/^file:\/\/.*?\/(local|functions|bench|contracts|resolvers)\//, '$1/');
const nameOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const fileOf = (node: ProfileNode) =>
  shortUrl(node.callFrame.url).split('/').slice(0, 3).join('/') || node.callFrame.functionName;

const sampled = new Map<number, number>();
let sampledAt = profile.startTime;
for (const [index, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[index] ?? 0;
  sampledAt += delta;
  if (sampledAt < window.startTime || sampledAt > window.endTime) continue;
  sampled.set(id, (sampled.get(id) ?? 0) + delta);
}
const selfByFile = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of sampled) {
  const node = nodes.get(id);
  if (!node) continue;
  add(selfByFile, fileOf(node), us);
  add(selfByFunction, nameOf(node), us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const name = nameOf(nodes.get(at) as ProfileNode);
    if (!seen.has(name)) add(inclusive, name, us);
    seen.add(name);
  }
}
const totalUs = Math.min(profile.endTime, window.endTime) - Math.max(profile.startTime, window.startTime);
const idleUs = selfByFunction.get('(idle) :0') ?? 0;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(
      `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${key}`,
    );
};
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s, busy ${((totalUs - idleUs) / 1e6).toFixed(1)} s`);
print('self time by file', selfByFile);
print('self time by function', selfByFunction);
print('inclusive time by function', inclusive);
