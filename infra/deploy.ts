/**
 * `npm run deploy`: deploys the Darkroom stack with the pinned CDK CLI, then writes
 * amplify_outputs.json from the stack outputs. Extra arguments go to `cdk deploy`
 * (e.g. `-c opsEmail=ops@example.com -c cdnPublicKey="$(cat cdn-public.pem)"`).
 *
 * What a deploy does, in order:
 * 1. Bundles every function with esbuild (the runtime's AWS SDK left external), synthesizes the
 *    template and runs cdk-nag; any unacknowledged finding stops here.
 * 2. CloudFormation publishes a new Lambda version for each function whose code or configuration
 *    changed; the state machine, schedules and AppSync keep calling the `live` aliases.
 * 3. For each such alias, CodeDeploy runs the pre-traffic hook (one invocation of the new version),
 *    then shifts 10% of traffic to it for 5 minutes and the rest after (CANARY_10PERCENT_5MINUTES).
 *    The function's error-rate or throttle alarm firing, or a failed hook, rolls the alias back and
 *    fails the stack update, which CloudFormation then rolls back as a whole.
 * 4. The state machine definition switches at once, not by canary: every pipeline step accepts the
 *    input and output of its neighbours one version before and one after (see infra/deployments.ts).
 * A deploy that changes functions therefore takes at least 5 minutes per canary (they run in parallel).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackOutputsFrom, toAmplifyOutputs } from '../contracts/amplify-outputs.ts';
import { names } from '../contracts/names.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scratch = mkdtempSync(path.join(tmpdir(), 'darkroom-deploy-'));
const outputsFile = path.join(scratch, 'outputs.json');

try {
  const deploy = spawnSync(
    'npx',
    [
      'cdk',
      'deploy',
      names.stack,
      '--no-notices',
      '--require-approval',
      'never',
      '--outputs-file',
      outputsFile,
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } },
  );
  if (deploy.status !== 0) process.exit(deploy.status ?? 1);

  const outputs = stackOutputsFrom(JSON.parse(readFileSync(outputsFile, 'utf8')), names.stack);
  const target = path.join(root, 'amplify_outputs.json');
  writeFileSync(target, `${JSON.stringify(toAmplifyOutputs(outputs), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
