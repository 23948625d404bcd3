/**
 * `npm start`: the whole darkroom stack on this machine (no AWS account, no Docker), until Ctrl-C.
 * Configuration comes from the environment (local/config.ts: DARKROOM_PORT, DARKROOM_HOST, …).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuilt } from './build-web.ts';
import { loadConfig } from './config.ts';
import { watchForReload } from './hot-reload.ts';
import type { RunningStack } from './stack.ts';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function banner(stack: RunningStack, bootMs: number): string {
  const { config, url, graphqlUrl, amplifyOutputs } = stack;
  return [
    '',
    `darkroom local stack ready in ${(bootMs / 1000).toFixed(1)} s`,
    '',
    `  endpoint (every AWS service)  ${url}`,
    `  GraphQL                       ${graphqlUrl}`,
    `  GraphQL real-time             ${url.replace(/^http/, 'ws')}/graphql/realtime`,
    `  web client                    ${stack.webUrl}`,
    `  health                        ${url}/_darkroom/health`,
    `  user pool / client            ${amplifyOutputs.auth.user_pool_id} / ${amplifyOutputs.auth.user_pool_client_id}`,
    `  data folder                   ${config.dataDir}`,
    '  client config                 amplify_outputs.json (repository root and the data folder)',
    '',
    'Sign up and sign in:',
    '  npx darkroom sign-up you@example.com <password>',
    config.autoConfirm
      ? '  (auto-confirm is on: no code needed)'
      : `  npx darkroom confirm you@example.com <code>   (the code is printed here, and at ${url}/_darkroom/cognito/codes)`,
    '  npx darkroom sign-in you@example.com <password>',
    `  or open the web client: ${stack.webUrl}`,
    'AWS CLI / SDKs: AWS_ENDPOINT_URL=' +
      url +
      ` AWS_ACCESS_KEY_ID=${config.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${config.credentials.secretAccessKey}`,
    '',
    'Resolvers and schema.graphql reload on save. Ctrl-C stops the stack; its state stays in the data folder.',
  ].join('\n');
}

/** Prints the time from `npm start` to a 200 from /_darkroom/health (local vision loads last). */
async function reportHealthy(stack: RunningStack, started: number): Promise<void> {
  for (;;) {
    const response = await fetch(`${stack.url}/_darkroom/health`).catch(() => undefined);
    if (response?.status === 200) {
      console.info(`darkroom: healthy ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
      return;
    }
    if (Date.now() - started > 120_000) {
      console.info(`darkroom: not healthy after 120 s: see ${stack.url}/_darkroom/health`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A log line must never take the stack down: when whoever reads its output goes away (`npm start |
 * head`, a closed terminal), writes fail with EPIPE, emitted as an 'error' event that, unhandled,
 * ended the process mid-request or mid-stop. The lines are dropped instead; the stack keeps serving.
 */
function dropLogsOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  dropLogsOnBrokenPipe();
  // cognito-local still loads the AWS SDK v2, which prints an end-of-support notice on import.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const { startStack } = await import('./stack.ts');
  const config = loadConfig();
  await ensureWebBuilt();
  console.info(
    `darkroom: starting the local stack on ${config.host}:${config.port} (data in ${config.dataDir}) …`,
  );
  // Functions' and DynamoDB Local's lines arrive prefixed with their name (`[darkroom-thumbnails] …`).
  const stack = await startStack(config, { serviceLog: (line) => console.log(line) });
  console.info(banner(stack, Date.now() - started));
  void reportHealthy(stack, started);
  const watcher = watchForReload({
    root: repositoryRoot,
    reload: async () => {
      const report = await stack.providers.appsync.reload();
      if (report.failures.length === 0 && !report.schemaFailure)
        console.info(`[hot-reload] ${report.loaded.length} resolvers in service`);
    },
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.info('darkroom: stopping now');
      process.exit(1);
    }
    stopping = true;
    watcher.close();
    console.info(`\ndarkroom: ${signal}, stopping (again to force) …`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('darkroom: stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `darkroom: the local stack did not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
