// What the browser tests share: Debian's Chromium and its flags, the portal under test, where
// screenshots go, and run ids that never collide on a shared portal.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying hosts this network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const STEP_TIMEOUT_MS = 30_000;
// The first page of a development portal waits for the bundle to build.
export const FIRST_LOAD_TIMEOUT_MS = 120_000;

/** The portal under test, from SUPACONTROL_E2E_URL; fails (never skips) without it. */
export function portalUrl(testFile: string): string {
  const url = process.env.SUPACONTROL_E2E_URL;
  if (!url) {
    throw new Error(
      'SUPACONTROL_E2E_URL is not set: the browser test needs a running portal with a cluster and ' +
        `a reconciler. Run ./scripts/test ${testFile}, which starts one on the test bed.`,
    );
  }
  return url.replace(/\/+$/, '');
}

/** Screenshot folder of one test file (git-ignored), or SUPACONTROL_E2E_ARTIFACTS. */
export function artifactsDir(name: string): string {
  return resolve(
    process.env.SUPACONTROL_E2E_ARTIFACTS ??
      join(__dirname, '..', '..', 'e2e-test-report', name),
  );
}

/** Unique per run, so that runs against a shared portal never collide; short enough for names. */
export function uniqueRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296)
    .toString(36)
    .padStart(2, '0')}`;
}

/** One Chromium page on the portal under test, and screenshots of it. */
export interface PortalSession {
  page: Page;
  /** The portal's base URL. */
  baseUrl: string;
  screenshot(name: string): Promise<void>;
  /** Runs a test's body and leaves a screenshot of the page behind when it fails. */
  screenshotOnFailure(shot: string, body: () => Promise<void>): Promise<void>;
  /** What the page's last copy button put on the clipboard. */
  readClipboard(): Promise<string>;
  /** Opens the portal and passes its sign-in page as guest (waiting for the first bundle). */
  signInAsGuest(): Promise<void>;
  close(): Promise<void>;
}

/** Launches Chromium on the portal for `testFile`; screenshots go to `artifactsDir(name)`. */
export async function openPortal(
  testFile: string,
  name: string,
): Promise<PortalSession> {
  const baseUrl = portalUrl(testFile);
  const artifacts = artifactsDir(name);
  mkdirSync(artifacts, { recursive: true });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1440, height: 1000 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  // The copy buttons write to the clipboard; the tests read back what a user would paste.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: baseUrl,
  });
  const page = await context.newPage();
  const screenshot = async (shot: string) => {
    await page.screenshot({
      path: join(artifacts, `${shot}.png`),
      fullPage: true,
    });
  };
  return {
    page,
    baseUrl,
    screenshot,
    async screenshotOnFailure(shot, body) {
      try {
        await body();
      } catch (error) {
        await screenshot(`failed-${shot}`).catch(() => {});
        throw error;
      }
    },
    readClipboard: () => page.evaluate(() => navigator.clipboard.readText()),
    async signInAsGuest() {
      await page.goto('/', { timeout: FIRST_LOAD_TIMEOUT_MS });
      const enter = page.getByRole('button', { name: 'Enter' });
      await enter.waitFor({ timeout: FIRST_LOAD_TIMEOUT_MS });
      await enter.click();
    },
    close: () => browser.close(),
  };
}
