/** Headless Debian Chromium for the browser tests, driven by playwright-core (no browser download). */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run "bash scripts/setup-system.sh" (npm test does it first)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: without these Chromium keeps dialling Google's hosts.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserSignUp {
  email: string;
  password: string;
  /** The confirmation code the local Cognito delivered to `email`, as the person reads it. */
  code: (email: string) => Promise<string>;
  /** Wraps each wait for the page, e.g. to save a screenshot when it fails. */
  step?: <T>(name: string, wait: () => Promise<T>) => Promise<T>;
}

/** Signs up through the web client's Create Account tab with the delivered code, and ends signed in. */
export async function signUpInBrowser(
  page: Page,
  appUrl: string,
  { email, password, code, step = (_name, wait) => wait() }: BrowserSignUp,
): Promise<void> {
  await page.goto(appUrl);
  await page.getByRole('tab', { name: 'Create Account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm Password').fill(password);
  await page.getByRole('button', { name: 'Create Account' }).click();
  await page.getByLabel('Confirmation Code').fill(await code(email));
  await page.getByRole('button', { name: 'Confirm' }).click();
  // Amplify signs in after confirming when it can; otherwise the sign-in form comes back.
  const signedIn = page.getByRole('button', { name: 'Sign out' });
  const signInForm = page.getByRole('button', { name: 'Sign in', exact: true });
  await step('after-confirm', () => signedIn.or(signInForm).waitFor({ timeout: 20_000 }));
  if (!(await signedIn.isVisible())) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await signInForm.click();
  }
  await step('sign-in', () => signedIn.waitFor({ timeout: 20_000 }));
}
