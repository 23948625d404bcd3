/**
 * The web client as a person uses it, in headless Chromium against the shared local stack:
 * sign up with the emailed code, upload three photos, watch them finish live, see their placeholders
 * while thumbnails load, open one with its camera facts, sign out, and find a second user's gallery
 * empty. Screenshots go to test-output/e2e/.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegCopies } from '../fixtures.ts';
import { confirmationCode, stackUrl } from '../integration/support.ts';
import { launchChromium, signUpInBrowser } from './browser.ts';

const output = path.resolve(import.meta.dirname, '../../test-output/e2e');
const password = 'Darkroom-e2e-1!';

let browser: Browser;
let files: string[];

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(output, { recursive: true });
  const folder = await mkdtemp(path.join(os.tmpdir(), 'darkroom-e2e-'));
  files = await jpegCopies(['astronaut', 'chelsea', 'coffee'], folder);
  // As a camera writes them: the detail view shows these facts.
  for (const file of files) {
    const withCamera = await sharp(file)
      .withExif({ IFD0: { Make: 'FUJIFILM', Model: 'X-T5' }, IFD2: { ISOSpeedRatings: '400' } })
      .jpeg()
      .toBuffer();
    await writeFile(file, withCamera);
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

function signUpAndIn(page: Page, email: string): Promise<void> {
  return signUpInBrowser(page, `${stackUrl()}/app/`, {
    email,
    password,
    code: (address) => confirmationCode(address),
    step: (name, wait) => shootOnFailure(page, name, wait),
  });
}

/** Runs a step; when it fails, what the page showed is saved beside the other screenshots. */
async function shootOnFailure<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await page.screenshot({ path: path.join(output, `failed-${name}.png`) });
    throw error;
  }
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`);
}

describe('web client', () => {
  it('signs up, uploads three photos that finish live, shows them, and keeps users apart', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signUpAndIn(page, `e2e-${Date.now()}@example.com`);
    let reloads = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) reloads += 1;
    });

    // Every value each row's stage bar takes, as the page renders it (a poll could miss one).
    await page.evaluate(() => {
      const seen: Record<string, string[]> = {};
      (window as unknown as { stageHistory: typeof seen }).stageHistory = seen;
      new MutationObserver((mutations) => {
        for (const mutation of mutations) {
          const row = mutation.target as HTMLElement;
          if (row.dataset.testid !== 'upload') continue;
          const name = row.querySelector('.name')?.textContent ?? '';
          seen[name] ??= [];
          seen[name].push(row.dataset.stages ?? '');
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-stages'] });
    });
    await page.getByTestId('file-input').setInputFiles(files);

    // Each reaches "done" pushed by the subscription: no reload, no polling by the page.
    await expect
      .poll(() => page.locator('[data-testid="upload"][data-phase="done"]').count(), { timeout: 90_000 })
      .toBe(3);
    // The stage bar moved through the milestones as they happened: UPLOADED, then INSPECTED, then
    // the parallel ones in whichever order they came; a finished row shows every step reached.
    const history = await page.evaluate(
      () => (window as unknown as { stageHistory: Record<string, string[]> }).stageHistory,
    );
    expect(Object.keys(history)).toHaveLength(3);
    for (const values of Object.values(history)) {
      expect(values.slice(0, 2)).toEqual(['UPLOADED', 'UPLOADED INSPECTED']);
      expect(values.length).toBeGreaterThanOrEqual(3);
    }
    await expect.poll(() => page.locator('.stages li[data-reached="true"]').count()).toBe(3 * 4);
    const items = page.getByTestId('gallery-item');
    await expect.poll(() => items.count()).toBe(3);
    await expect
      .poll(() => page.locator('[data-testid="gallery-item"][data-status="COMPLETED"]').count())
      .toBe(3);
    const images = page.locator('.card img');
    await expect
      .poll(() =>
        images.evaluateAll(
          (all) =>
            all.filter(
              (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
            ).length,
        ),
      )
      .toBe(3);
    // A 200 px slot at DPR 1 takes the 300 px (MEDIUM) rendition of each photo, in WebP.
    // (naturalWidth of a srcset image is density-corrected: read the chosen file's own width.)
    const chosen = await images.evaluateAll((all) =>
      Promise.all(
        all.map(async (element) => {
          const shown = element as HTMLImageElement;
          const probe = new Image();
          probe.src = shown.currentSrc;
          await probe.decode();
          return { file: new URL(shown.currentSrc).pathname.split('/').at(-1), width: probe.naturalWidth };
        }),
      ),
    );
    // Rendition keys carry a revision: medium-<16 hex of its SHA-256>.webp.
    const medium = { file: expect.stringMatching(/^medium-[0-9a-f]{16}\.webp$/), width: 300 };
    expect(chosen).toEqual([medium, medium, medium]);
    expect(reloads).toBe(0);
    await page.screenshot({ path: path.join(output, 'gallery.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await items.first().getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const large = dialog.getByTestId('detail-image');
    await expect
      .poll(() => large.evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(300);
    await expect.poll(() => dialog.getByTestId('verdict').textContent()).toBe('Safe');
    // The photo's metadata, read from its EXIF.
    const facts = await dialog.getByTestId('photo-facts').textContent();
    expect(facts).toContain('FUJIFILM X-T5');
    expect(facts).toContain('ISO 400');
    await page.screenshot({ path: path.join(output, 'detail.png') });
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Until a thumbnail loads, the gallery paints the image's placeholder: a second tab whose
    // thumbnail requests never complete shows the ThumbHash over the dominant colour in each card.
    const held = await context.newPage();
    await held.route(
      (url) => url.pathname.includes('/thumbnails/'),
      (route) => route.abort(),
    );
    await held.goto(`${stackUrl()}/app/`);
    const pictures = held.locator('[data-testid="gallery-item"] picture');
    await expect.poll(() => pictures.count(), { timeout: 30_000 }).toBe(3);
    const painted = await pictures.evaluateAll((all) =>
      all.map((picture) => {
        const style = getComputedStyle(picture);
        const img = picture.querySelector('img');
        return {
          placeholder: picture.getAttribute('data-placeholder'),
          backgroundImage: style.backgroundImage.slice(0, 27),
          backgroundColor: style.backgroundColor !== 'rgba(0, 0, 0, 0)',
          thumbnailLoaded: (img?.naturalWidth ?? 0) > 0,
        };
      }),
    );
    const placeholder = {
      placeholder: 'yes',
      backgroundImage: 'url("data:image/png;base64,',
      backgroundColor: true,
      thumbnailLoaded: false,
    };
    expect(painted).toEqual([placeholder, placeholder, placeholder]);
    await held.screenshot({ path: path.join(output, 'placeholders.png'), fullPage: true });
    await held.close();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signUpAndIn(page, `e2e-other-${Date.now()}@example.com`);
    await page.getByText('No photos yet.').waitFor();
    expect(await page.getByTestId('gallery-item').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
