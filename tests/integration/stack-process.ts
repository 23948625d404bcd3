/**
 * Runs a local stack in its own process for tests that must kill one (SIGKILL) mid-flight:
 * config from the environment (DARKROOM_*), and one JSON line `{"url": …}` on stdout once ready.
 */
import { loadConfig } from '../../local/config.ts';
import { startStack } from '../../local/stack.ts';

const stack = await startStack(loadConfig(), {
  writeRootOutputs: false,
  log: () => {},
  serviceLog: () => {},
});
process.stdout.write(`${JSON.stringify({ url: stack.url, bootMs: stack.bootMs })}\n`);
process.on('SIGTERM', () => {
  stack.stop().then(() => process.exit(0));
});
