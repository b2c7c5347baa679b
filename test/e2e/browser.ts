// What the browser tests share: Debian's Chromium and its flags, the portal under test, where
// screenshots go, and run ids that never collide on a shared portal.

import { join, resolve } from 'node:path';

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
