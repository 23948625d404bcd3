/**
 * Runs a local stack in its own process for tests that must kill one (SIGKILL) mid-flight:
 * config from the environment (DARKROOM_*), and one JSON line `{"url": …}` on stdout once ready
 * (with the GraphQL URL and the app client id, so tests can sign users up on it).
 */
import { loadConfig } from '../../local/config.ts';
import { startStack } from '../../local/stack.ts';

const stack = await startStack(loadConfig(), {
  writeRootOutputs: false,
  log: () => {},
  serviceLog: () => {},
});
process.stdout.write(
  `${JSON.stringify({
    url: stack.url,
    graphqlUrl: stack.graphqlUrl,
    userPoolClientId: stack.amplifyOutputs.auth.user_pool_client_id,
    bootMs: stack.bootMs,
  })}\n`,
);
process.on('SIGTERM', () => {
  stack.stop().then(() => process.exit(0));
});
