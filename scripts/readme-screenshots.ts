/**
 * Makes the README's screenshots: boots a local stack WITH local vision on a free port, signs up
 * in Chromium, uploads the fixture photos, and saves the gallery and a detail view to docs/.
 * Run: npx tsx scripts/readme-screenshots.ts
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureWebBuilt } from '../local/build-web.ts';
import { loadConfig } from '../local/config.ts';
import { startStack } from '../local/stack.ts';
import { launchChromium, signUpInBrowser } from '../tests/e2e/browser.ts';
import { jpegCopies } from '../tests/fixtures.ts';

const root = path.resolve(import.meta.dirname, '..');
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';

await ensureWebBuilt();
const dataDir = await mkdtemp(path.join(tmpdir(), 'darkroom-shots-'));
const stack = await startStack(loadConfig({}, { port: 0, dataDir, visionMode: 'vision' }), {
  writeRootOutputs: false,
  log: () => {},
  serviceLog: () => {},
});
// Wait for the vision models (health turns 200 when every provider is ready).
while ((await fetch(`${stack.url}/_darkroom/health`)).status !== 200)
  await new Promise((r) => setTimeout(r, 500));
const files = await jpegCopies(['astronaut', 'coffee', 'chelsea'], dataDir);
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 820 } })).newPage();
  await signUpInBrowser(page, stack.webUrl, {
    email: `demo-${Date.now()}@example.com`,
    password: 'Darkroom-demo-1!',
    code: async (email) => {
      const codeFor = () =>
        stack.providers.cognito
          .codes()
          .findLast((entry) => entry.username === email || entry.destination === email)?.code;
      while (!codeFor()) await new Promise((resolve) => setTimeout(resolve, 100));
      return codeFor() ?? '';
    },
  });
  await page.getByTestId('file-input').setInputFiles(files);
  await page.waitForFunction(() => document.querySelectorAll('[data-phase="done"]').length === 3, null, {
    timeout: 120_000,
  });
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll('.card img')).every((img) => (img as HTMLImageElement).complete),
  );
  await page.screenshot({ path: path.join(root, 'docs/gallery.png') });
  await page.getByRole('button', { name: /astronaut/ }).click();
  await page.getByTestId('detail-image').waitFor();
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="detail-image"]') as HTMLImageElement).complete,
  );
  await page.screenshot({ path: path.join(root, 'docs/detail.png') });
  console.info('wrote docs/gallery.png and docs/detail.png');
} finally {
  await browser.close();
  await stack.stop();
}
