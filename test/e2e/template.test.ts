// The Software Template in a real browser (Debian's Chromium through playwright-core): guest
// sign-in, the portal's Create page, the "Supabase instance" template from form to a Running
// instance, then the instance's Resource entity in the catalog with its SupaControl card and tab,
// and its deletion from that tab until it is Deleted. Runs against the portal at
// SUPACONTROL_E2E_URL, which needs a cluster and a running reconciler for the instance to reach
// Running; ./scripts/test starts such a portal on the test bed.
//
// The tests share one browser page and run in order. Screenshots go to
// e2e-test-report/template (git-ignored), or to SUPACONTROL_E2E_ARTIFACTS.

import { type Locator, type Page } from 'playwright-core';
import { openPortal, PortalSession, uniqueRunId } from './browser';

jest.setTimeout(600_000);

// Installing a Supabase release and waiting for every component.
const RUNNING_TIMEOUT_MS = 420_000;
// Helm uninstall and the namespace's removal.
const DELETED_TIMEOUT_MS = 240_000;
// The provider's change check (5 s) plus catalog processing.
const CATALOG_TIMEOUT_MS = 90_000;
const runId = uniqueRunId();
const instanceName = `tpl-${runId}`;

describe('the Supabase instance template in a browser', () => {
  let session: PortalSession;
  let page: Page;

  /** Reloads until `target` shows: the catalog learns of the instance a few seconds late. */
  async function reloadUntilVisible(target: Locator, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await target.waitFor({ timeout: 5_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await page.reload();
      }
    }
  }

  beforeAll(async () => {
    session = await openPortal('e2e/template', 'template');
    page = session.page;
  });

  afterAll(() => session?.close());

  const screenshot = (shot: string) => session.screenshot(shot);
  const screenshotOnFailure = (shot: string, body: () => Promise<void>) =>
    session.screenshotOnFailure(shot, body);

  it('signs in as guest and finds the template on the Create page', () =>
    screenshotOnFailure('create-page', async () => {
      await session.signInAsGuest();
      // The sidebar entry of the catalog shows the app is up behind the sign-in page.
      await page.getByRole('link', { name: 'SupaControl' }).first().waitFor();

      await page.goto('/create');
      await page.getByText('Supabase instance', { exact: true }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/create(\/templates)?$/);
      await screenshot('01-create-page');
    }));

  it('fills in the form with the shared name rule and runs the template', () =>
    screenshotOnFailure('template-form', async () => {
      const card = page
        .locator('.MuiCard-root')
        .filter({ hasText: 'Supabase instance' });
      await card
        .getByRole('link', { name: 'Choose' })
        .or(card.getByRole('button', { name: 'Choose' }))
        .first()
        .click();

      const name = page.getByRole('textbox', { name: /^Name/ });
      await name.waitFor();
      // The template's pattern is the backend's rule: a name with '--' is refused.
      await name.fill('orders--preview');
      await page.getByRole('button', { name: 'Review' }).click();
      await page
        .getByText(/must match pattern/)
        .first()
        .waitFor();
      await screenshot('02-form-refuses-name');

      await name.fill(instanceName);
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByText(instanceName).first().waitFor();
      await screenshot('03-review');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/\/create\/tasks\//);
      expect(new URL(page.url()).pathname).toMatch(/^\/create\/tasks\/[\w-]+$/);
      await screenshot('04-task-started');
    }));

  it('waits until the instance is Running and links to it', () =>
    screenshotOnFailure('task', async () => {
      const openInCatalog = page
        .getByRole('link', { name: 'Open in catalog' })
        .or(page.getByRole('button', { name: 'Open in catalog' }))
        .first();
      // A failed step shows the backend's message; fail with it rather than wait for nothing.
      const failure = page.getByText(/failed|not allowed|already exists/i);
      await openInCatalog
        .or(failure)
        .first()
        .waitFor({ timeout: RUNNING_TIMEOUT_MS });
      if (!(await openInCatalog.isVisible())) {
        const shown = await page.locator('main').innerText();
        throw new Error(`The template run failed:\n${shown.slice(0, 2000)}`);
      }
      expect(await openInCatalog.isVisible()).toBe(true);
      for (const link of ['Supabase Studio', 'Supabase API']) {
        await page
          .getByRole('link', { name: link })
          .or(page.getByRole('button', { name: link }))
          .first()
          .waitFor();
      }
      await screenshot('05-task-completed');
      await openInCatalog.click();
    }));

  it('shows the Resource entity in the catalog with its SupaControl card', () =>
    screenshotOnFailure('entity', async () => {
      await page.waitForURL(
        new RegExp(`/catalog/default/resource/${instanceName}`),
      );
      // The SupaControl card is the one with the deep link (the About card mentions Supabase too).
      const card = page
        .locator('.MuiCard-root')
        .filter({ hasText: 'Open in SupaControl' });
      await reloadUntilVisible(
        card.getByTestId('status-Running'),
        CATALOG_TIMEOUT_MS,
      );
      await card.getByText(`supa-${instanceName}`, { exact: true }).waitFor();
      await card.getByText(/\d+\/\d+ ready/).waitFor();
      await card.getByRole('link', { name: /Open in SupaControl/ }).waitFor();
      // The entity itself: a Resource of type supabase-instance, with the provider's links.
      await page.getByText('supabase-instance').first().waitFor();
      await page
        .getByRole('link', { name: 'Supabase Studio' })
        .first()
        .waitFor();
      expect(new URL(page.url()).pathname).toBe(
        `/catalog/default/resource/${instanceName}`,
      );
      expect(await card.getByTestId('status-Running').count()).toBe(1);
      await screenshot('06-entity-overview');
    }));

  it('shows the instance on the Supabase tab and deletes it from there', () =>
    screenshotOnFailure('entity-tab', async () => {
      await page
        .getByRole('tab', { name: 'Supabase', exact: true })
        .or(page.getByRole('link', { name: 'Supabase', exact: true }))
        .first()
        .click();
      await page.waitForURL(/\/supabase$/);
      for (const title of ['Status', 'Connect', 'Conditions', 'Components']) {
        await page.getByText(title, { exact: true }).first().waitFor();
      }
      // The guest owns the instance, so its keys are offered, masked and read on reveal.
      const anonKey = page.getByLabel('anon key', { exact: true });
      await anonKey.waitFor();
      await page.getByRole('button', { name: 'Reveal anon key' }).click();
      await anonKey.filter({ hasText: /^eyJ/ }).waitFor();
      expect((await anonKey.innerText()).trim()).toMatch(/^eyJ/);
      await screenshot('07-entity-tab');

      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', {
        name: `Delete ${instanceName}?`,
      });
      await dialog
        .getByLabel(`Type ${instanceName} to confirm`)
        .fill(instanceName);
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page
        .getByTestId('status-Deleting')
        .or(page.getByTestId('status-Deleted'))
        .first()
        .waitFor();
      await screenshot('08-entity-tab-deleting');
      // The tab follows the deletion to its end, which also leaves the shared cluster clean.
      await page
        .getByTestId('status-Deleted')
        .waitFor({ timeout: DELETED_TIMEOUT_MS });
      expect(await page.getByTestId('status-Deleted').count()).toBeGreaterThan(
        0,
      );
      await screenshot('09-entity-tab-deleted');
    }));
});
