#!/usr/bin/env node
// The `darkroom` command: loads the TypeScript CLI through tsx (a dependency of this package).
import { register } from 'tsx/esm/api';

// package.json's engines: older Nodes have no global WebSocket, so an upload would wait forever for
// its real-time subscription. Say so instead.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`darkroom: needs Node.js 24 or later; this is ${process.version}`);
  process.exit(1);
}
register();
const { run } = await import('../cli/main.ts');
await run(process.argv.slice(2));
