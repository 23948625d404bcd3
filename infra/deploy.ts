/**
 * `npm run deploy`: deploys the Darkroom stack with the pinned CDK CLI, then writes
 * amplify_outputs.json from the stack outputs. Extra arguments go to `cdk deploy`.
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
