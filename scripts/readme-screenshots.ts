/**
 * Makes the README's screenshots: boots a local stack WITH local vision on a free port, signs up
 * in Chromium, uploads the fixture photos, and saves the gallery and a detail view to docs/.
 * Run: npx tsx scripts/readme-screenshots.ts
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ensureWebBuilt } from '../local/build-web.ts';
import { loadConfig } from '../local/config.ts';
import { startStack } from '../local/stack.ts';
import { launchChromium } from '../tests/e2e/browser.ts';

const root = path.resolve(import.meta.dirname, '..');
const photos = path.resolve(root, '../shared/fixtures/photos');
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
const files = await Promise.all(
  ['astronaut', 'coffee', 'chelsea'].map(async (name) => {
    const file = path.join(dataDir, `${name}.jpg`);
    await writeFile(
      file,
      await sharp(path.join(photos, `${name}.png`))
        .flatten({ background: '#fff' })
        .jpeg()
        .toBuffer(),
    );
    return file;
  }),
);
const browser = await launchChromium();
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 820 } })).newPage();
  const email = `demo-${Date.now()}@example.com`;
  const password = 'Darkroom-demo-1!';
  await page.goto(stack.webUrl);
  await page.getByRole('tab', { name: 'Create Account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm Password').fill(password);
  await page.getByRole('button', { name: 'Create Account' }).click();
  await page.getByLabel('Confirmation Code').waitFor();
  const codeFor = () =>
    stack.providers.cognito
      .codes()
      .findLast((entry) => entry.username === email || entry.destination === email)?.code;
  while (!codeFor()) await new Promise((resolve) => setTimeout(resolve, 100));
  const code = codeFor() ?? '';
  await page.getByLabel('Confirmation Code').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  const signOut = page.getByRole('button', { name: 'Sign out' });
  const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
  await signOut.or(signIn).waitFor();
  if (!(await signOut.isVisible())) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await signIn.click();
  }
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
