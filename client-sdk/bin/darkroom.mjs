#!/usr/bin/env node
// The `darkroom` command: loads the TypeScript CLI through tsx (a dependency of this package).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
await run(process.argv.slice(2));
