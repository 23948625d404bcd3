/**
 * The Review page as a moderator uses it, in headless Chromium against the shared local stack:
 * a user signs up and sees no Review page; `darkroom admin add-moderator` (the documented command)
 * puts them in the group; after signing in again the page lists another user's FLAGGED photos with
 * their originals, and approve and reject each settle one (COMPLETED, REJECTED).
 * Screenshots go to test-output/e2e/.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  confirmationCode,
  eventually,
  getImageItem,
  type StackClients,
  stackInfo,
  stackUrl,
  uploadJpeg,
  waitForStatus,
} from '../integration/support.ts';
import { createUser, type TestUser } from '../integration/users.ts';
import { launchChromium, signUpInBrowser } from './browser.ts';

const output = path.resolve(import.meta.dirname, '../../test-output/e2e');
const password = 'Darkroom-e2e-1!';

let browser: Browser;
let clients: StackClients;
let owner: TestUser;
const flagged: string[] = [];

/** `darkroom admin add-moderator <email>`, as the README tells a developer to run it. */
function addModerator(email: string): Promise<number> {
  const outputs = path.join(stackInfo().dataDir, 'amplify_outputs.json');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve('client-sdk/bin/darkroom.mjs'), '--outputs', outputs, 'admin', 'add-moderator', email],
      { timeout: 45_000 },
      (error) => resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0),
    );
  });
}

async function shootOnFailure<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await page.screenshot({ path: path.join(output, `failed-review-${name}.png`) });
    throw error;
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(output, { recursive: true });
  clients = clientsFor();
  owner = await createUser('e2e-review-owner');
  await admin('faults', {
    method: 'PUT',
    body: JSON.stringify([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: `uploads/${owner.sub}/*`,
        response: {
          ModerationLabels: [{ Name: 'Explicit', ParentName: '', Confidence: 97.5, TaxonomyLevel: 1 }],
          ModerationModelVersion: '7.0',
        },
      },
    ]),
  });
  for (const name of ['coffee.png', 'chelsea.png']) {
    const jpeg = await sharp(photo(name)).resize(800).jpeg({ quality: 85 }).toBuffer();
    const { image } = await uploadJpeg(owner, jpeg);
    expect(
      (await waitForStatus(clients, owner.sub, image.id, ['COMPLETED', 'FLAGGED', 'FAILED'])).status,
    ).toBe('FLAGGED');
    // Listed once announced (statusKey back to FLAGGED).
    await eventually(async () =>
      (await getImageItem(clients, owner.sub, image.id))?.statusKey === 'FLAGGED' ? true : undefined,
    );
    flagged.push(image.id);
  }
}, 120_000);

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
  await browser?.close();
});

describe('the Review page', () => {
  it('is shown to moderators only, shows the originals, and approves and rejects', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const email = `e2e-moderator-${Date.now()}@example.com`;
    await signUpInBrowser(page, `${stackUrl()}/app/`, {
      email,
      password,
      code: (address) => confirmationCode(address),
      step: (name, wait) => shootOnFailure(page, name, wait),
    });
    // Not a moderator yet: no Review page.
    await page.getByText('No photos yet.').waitFor();
    expect(await page.getByRole('button', { name: 'Review' }).count()).toBe(0);

    expect(await addModerator(email)).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const review = page.getByRole('button', { name: 'Review' });
    await shootOnFailure(page, 'review-button', () => review.waitFor({ timeout: 20_000 }));
    await review.click();

    // The owner's two FLAGGED photos, each with its unblurred original loaded.
    const items = page.getByTestId('review-item').filter({ has: page.getByTestId('review-original') });
    await shootOnFailure(page, 'queue', () =>
      expect.poll(() => items.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2),
    );
    const originals = page.getByTestId('review-original');
    await expect
      .poll(() =>
        originals.evaluateAll(
          (all) =>
            all.filter(
              (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
            ).length,
        ),
      )
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: path.join(output, 'review.png'), fullPage: true });
    const violations = (await new AxeBuilder({ page }).analyze()).violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => violation.id);
    expect(violations).toEqual([]);

    const [approveId, rejectId] = flagged as [string, string];
    const itemOf = (id: string) =>
      page.locator(`[data-testid="review-item"]:has(img[src*="/${id}/original"])`);
    await itemOf(approveId).getByLabel('Note').fill('a coffee cup, nothing more');
    await itemOf(approveId).getByRole('button', { name: 'Approve' }).click();
    await itemOf(rejectId).getByRole('button', { name: 'Reject' }).click();
    // A rejection deletes every object and announces before it answers: allow it the time.
    await shootOnFailure(page, 'decided', () =>
      expect.poll(() => page.getByTestId('review-decided').count(), { timeout: 30_000 }).toBe(2),
    );
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await itemOf(approveId).count()).toBe(0);
    expect(await itemOf(rejectId).count()).toBe(0);

    const approved = await waitForStatus(clients, owner.sub, approveId, ['COMPLETED', 'FAILED'], 90_000);
    expect(approved).toMatchObject({
      status: 'COMPLETED',
      review: { decision: 'APPROVE', note: 'a coffee cup, nothing more' },
    });
    expect(await getImageItem(clients, owner.sub, rejectId)).toMatchObject({
      status: 'REJECTED',
      review: { decision: 'REJECT' },
    });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
