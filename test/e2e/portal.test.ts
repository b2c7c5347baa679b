// The portal in a real browser (Debian's Chromium through playwright-core): guest sign-in, the
// SupaControl dashboard, an API key created and copied (then used with curl), an instance's life
// from the create dialog through Running (its keys read only on reveal, the anon key copied),
// paused and resumed, its logs read, to deletion, and the key revoked. Runs against the portal at SUPACONTROL_E2E_URL, e.g.
// `./scripts/start` then SUPACONTROL_E2E_URL=http://127.0.0.1:3000.
//
// The tests share one browser page and run in order: each step starts where the previous one left
// off, as a user would. Screenshots of each page go to e2e-test-report/portal (git-ignored), or to
// SUPACONTROL_E2E_ARTIFACTS.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Locator, type Page } from 'playwright-core';
import { simulatedLogLines } from '../cluster/src/index.ts';
import { openPortal, PortalSession, uniqueRunId } from './browser';

jest.setTimeout(180_000);

const execFileAsync = promisify(execFile);
const runId = uniqueRunId();
const instanceName = `e2e-${runId}`;
const keyName = `e2e key ${runId}`;

describe('the SupaControl portal in a browser', () => {
  let session: PortalSession;
  let page: Page;
  /** `.../api/supacontrol` as the frontend calls it, learnt from its own requests. */
  let apiBase: string | undefined;
  let apiKey: string | undefined;

  /**
   * Waits for `success`, unless the dialog shows the backend's refusal first; then fails with the
   * refusal's text, which says what went wrong.
   */
  async function expectAccepted(dialog: Locator, success: Locator) {
    const refusal = dialog.getByRole('alert').last();
    await success.or(refusal).first().waitFor();
    if (await refusal.isVisible()) {
      throw new Error(`The dialog was refused: ${await refusal.innerText()}`);
    }
  }

  /** `.../api/supacontrol`, once the frontend has called it. */
  async function api(): Promise<string> {
    if (!apiBase) {
      throw new Error('the frontend has not called /api/supacontrol yet');
    }
    return apiBase;
  }

  /** `curl` with the API key, as a script or CI job would call the API. */
  async function curl(
    url: string,
    key: string,
  ): Promise<{ status: number; body: any }> {
    const { stdout } = await execFileAsync('curl', [
      '--silent',
      '--show-error',
      '--header',
      `Authorization: Bearer ${key}`,
      '--write-out',
      '\n%{http_code}',
      url,
    ]);
    const lines = stdout.trimEnd().split('\n');
    const status = Number(lines.pop());
    return { status, body: JSON.parse(lines.join('\n')) };
  }

  /** The table row of the dashboard or settings table that contains `text`. */
  function row(text: string): Locator {
    return page.getByRole('row').filter({ hasText: text });
  }

  beforeAll(async () => {
    session = await openPortal('e2e/portal', 'portal');
    page = session.page;
    page.on('request', request => {
      const match = /^(.*\/api\/supacontrol)\/v1\//.exec(request.url());
      if (match) apiBase = match[1];
    });
  });

  afterAll(() => session?.close());

  const screenshot = (shot: string) => session.screenshot(shot);
  const screenshotOnFailure = (shot: string, body: () => Promise<void>) =>
    session.screenshotOnFailure(shot, body);

  it('signs in as guest and opens SupaControl from the sidebar', () =>
    screenshotOnFailure('sign-in', async () => {
      await session.signInAsGuest();

      await page.getByRole('link', { name: 'SupaControl' }).first().click();
      await page.waitForURL(/\/supacontrol$/);
      expect(new URL(page.url()).pathname).toBe('/supacontrol');
      await page
        .getByRole('heading', { name: 'Supabase instances', exact: true })
        .waitFor();
      // Either the table or the empty state, once the list has loaded.
      await page
        .getByText(/^Instances \(\d+\)$/)
        .or(page.getByText('No Supabase instances yet'))
        .waitFor();
      await screenshot('01-dashboard');
    }));

  it('creates an API key, shows it once, and curl lists instances with the copied key', () =>
    screenshotOnFailure('create-key', async () => {
      await page.getByRole('button', { name: /API keys & status/ }).click();
      await page.waitForURL(/\/supacontrol\/settings$/);
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.getByText('Backend status').waitFor();

      await page.getByRole('button', { name: 'Create API key' }).click();
      const form = page.getByRole('dialog', { name: 'Create an API key' });
      await form.getByLabel('Name').fill(keyName);
      await form.getByRole('button', { name: 'Create key' }).click();

      const shown = page.getByRole('dialog', {
        name: `API key ${keyName} created`,
      });
      await expectAccepted(form, shown.getByText(/only time it is shown/));
      const displayed = (
        await shown.getByLabel('New API key').innerText()
      ).trim();
      expect(displayed).toMatch(/^sck_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
      await shown.getByRole('button', { name: 'Copy API key' }).click();
      apiKey = await session.readClipboard();
      expect(apiKey).toBe(displayed);
      await screenshot('07-api-key-shown-once');
      await shown.getByRole('button', { name: 'Done' }).click();
      await shown.waitFor({ state: 'detached' });

      // Shown once: the list has its prefix, the page no longer has the key.
      const listed = row(keyName);
      await listed.getByText(displayed.slice(0, 20)).waitFor();
      expect(await page.getByText(displayed).count()).toBe(0);
      await screenshot('08-settings-with-key');

      const listing = await curl(`${await api()}/v1/instances`, apiKey);
      expect(listing.status).toBe(200);
      expect(listing.body).toMatchObject({ items: expect.any(Array) });

      await page.getByRole('link', { name: 'SupaControl' }).first().click();
      await page
        .getByRole('heading', { name: 'Supabase instances', exact: true })
        .waitFor();
    }));

  it('creates an instance through the dialog and lists it as Pending', () =>
    screenshotOnFailure('create-instance', async () => {
      await page.getByRole('button', { name: 'Create instance' }).click();
      const dialog = page.getByRole('dialog', {
        name: 'Create a Supabase instance',
      });
      const name = dialog.getByLabel('Name');

      // The dialog checks names as they are typed, with the backend's rule.
      await name.fill('Not-Valid');
      await dialog.getByText(/name must be 1–40 lowercase letters/).waitFor();
      expect(
        await dialog.getByRole('button', { name: 'Create' }).isDisabled(),
      ).toBe(true);

      await name.fill(instanceName);
      await dialog.getByText(/^name must/).waitFor({ state: 'detached' });
      // Placement: the portal's one cluster is `default` in region `default`.
      await dialog.getByRole('button', { name: /Placement/ }).click();
      await page
        .getByRole('option', { name: 'Region default: any cluster' })
        .click();
      await dialog.getByText('Region default: any cluster').waitFor();
      await screenshot('02-create-dialog');
      await dialog.getByRole('button', { name: 'Create' }).click();

      // The backend records every new instance as Pending; the confirmation says so.
      await expectAccepted(
        dialog,
        page.getByText(`Instance ${instanceName} requested; it is Pending.`),
      );
      await dialog.waitFor({ state: 'detached' });
      const created = row(instanceName);
      await created.getByRole('link', { name: instanceName }).waitFor();
      // The reconciler may already have moved it on when one is running; it never skips Pending.
      const status = await created
        .locator('[data-testid^="status-"]')
        .innerText();
      expect(['Pending', 'Provisioning', 'Running']).toContain(status.trim());
      await screenshot('03-dashboard-with-instance');

      // Guest owns it, and the key acts for Guest: curl lists it too, in the region asked for.
      const listing = await curl(
        `${await api()}/v1/instances?region=default`,
        apiKey!,
      );
      expect(
        listing.body.items.find((i: any) => i.name === instanceName),
      ).toMatchObject({ cluster: 'default', region: 'default' });
    }));

  it("opens the instance's page and shows its history", () =>
    screenshotOnFailure('instance-page', async () => {
      await page.getByRole('link', { name: instanceName }).click();
      await page.waitForURL(
        new RegExp(`/supacontrol/instances/${instanceName}$`),
      );
      await page.getByRole('heading', { name: instanceName }).waitFor();
      await page.getByText('Event history').waitFor();
      const created = row('Created with plan');
      await created.first().waitFor();
      expect(await created.first().innerText()).toContain('create');
      for (const card of ['Status', 'Connect', 'Conditions', 'Components']) {
        await page.getByText(card, { exact: true }).first().waitFor();
      }
      await screenshot('04-instance-page');
    }));

  it('sees the instance reach Running and shows its anon key', () =>
    screenshotOnFailure('instance-running', async () => {
      // The page refreshes itself while the instance is transitional; the reconciler on the test
      // bed brings it to Running.
      await page
        .getByTestId('status-Running')
        .first()
        .waitFor({ timeout: 150_000 });
      // The page reads the keys only when one is revealed or copied (every read is audited).
      const credentialReads: string[] = [];
      const onRequest = (request: { url(): string }) => {
        if (/\/v1\/instances\/[^/]+\/credentials$/.test(request.url())) {
          credentialReads.push(request.url());
        }
      };
      page.on('request', onRequest);
      try {
        await page.reload();
        await page.getByTestId('status-Running').first().waitFor();
        await page.getByLabel('anon key', { exact: true }).waitFor();
        expect(credentialReads).toEqual([]);
        await page.getByRole('button', { name: 'Reveal anon key' }).click();
        await page
          .getByText(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
          .first()
          .waitFor();
        expect(credentialReads).toHaveLength(1);
      } finally {
        page.off('request', onRequest);
      }
      const shownKey = page.getByText(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/).first();
      await page.getByRole('button', { name: 'Copy anon key' }).click();
      const anonKey = await session.readClipboard();
      expect(anonKey).toBe(await shownKey.innerText());
      const [, payload] = anonKey.split('.');
      expect(
        JSON.parse(Buffer.from(payload, 'base64url').toString()),
      ).toMatchObject({
        role: 'anon',
        iss: 'supabase',
      });
      await screenshot('04b-instance-running');
    }));

  it('pauses the instance after a confirmation and sees it Paused', () =>
    screenshotOnFailure('pause-instance', async () => {
      await page.getByRole('button', { name: 'Pause' }).click();
      const dialog = page.getByRole('dialog', {
        name: `Pause ${instanceName}?`,
      });
      await dialog.getByText(/scaled to zero/).waitFor();
      await screenshot('05a-pause-dialog');
      await dialog.getByRole('button', { name: 'Pause' }).click();
      // Accepted: the dialog closes and Resume replaces Pause while the reconciler scales down.
      await expectAccepted(
        dialog,
        page.getByRole('button', { name: 'Resume' }),
      );
      await dialog.waitFor({ state: 'detached' });
      await page
        .getByTestId('status-Paused')
        .first()
        .waitFor({ timeout: 150_000 });
      expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
      await screenshot('05b-instance-paused');
    }));

  it('resumes the instance and sees it Running again, pushed by a signal within 2 s of the change', () =>
    screenshotOnFailure('resume-instance', async () => {
      // Polling off in this browser (it overrides supacontrol.ui.polling), and no reload:
      // Running can only arrive as a signal.
      await page.evaluate(() =>
        localStorage.setItem('supacontrol.ui.polling', 'false'),
      );
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      await page
        .getByTestId('status-Running')
        .first()
        .waitFor({ timeout: 150_000 })
        .finally(() =>
          page.evaluate(() =>
            localStorage.removeItem('supacontrol.ui.polling'),
          ),
        );
      const shownAt = Date.now();
      // When the reconciler wrote Running: its history entry is written in the same transaction.
      const history = await curl(
        `${await api()}/v1/instances/${instanceName}/events`,
        apiKey!,
      );
      expect(history.status).toBe(200);
      const running = history.body.items.filter(
        (e: { toStatus?: string }) => e.toStatus === 'Running',
      );
      const changedAt = Date.parse(running[running.length - 1].createdAt);
      // eslint-disable-next-line no-console
      console.log(`Running shown ${shownAt - changedAt} ms after the change`);
      expect(shownAt - changedAt).toBeGreaterThanOrEqual(0);
      expect(shownAt - changedAt).toBeLessThanOrEqual(2000);
      expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(
        0,
      );
      await screenshot('05c-instance-resumed');
    }));

  it("opens the Logs tab and reads a component's log lines", () =>
    screenshotOnFailure('instance-logs', async () => {
      await page.getByRole('tab', { name: 'Logs' }).click();
      await page.getByRole('button', { name: /Component/ }).click();
      await page.getByRole('option', { name: 'auth', exact: true }).click();
      const log = page.getByRole('log', { name: 'Logs of auth' });
      // kwok serves the same simulated lines for every container of the test bed.
      await log.filter({ hasText: simulatedLogLines[0] }).waitFor();
      const text = await log.innerText();
      for (const line of simulatedLogLines) {
        expect(text).toContain(line);
      }
      await screenshot('05d-instance-logs');
      await page.getByRole('tab', { name: 'Overview' }).click();
      await page.getByText('Event history').waitFor();
    }));

  it('deletes the instance once its name is typed', () =>
    screenshotOnFailure('delete-instance', async () => {
      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', {
        name: `Delete ${instanceName}?`,
      });
      const confirm = dialog.getByRole('button', { name: 'Delete' });

      await dialog
        .getByLabel(`Type ${instanceName} to confirm`)
        .fill(`${instanceName}x`);
      expect(await confirm.isDisabled()).toBe(true);
      await dialog
        .getByLabel(`Type ${instanceName} to confirm`)
        .fill(instanceName);
      await screenshot('05-delete-dialog');
      await confirm.click();
      await expectAccepted(
        dialog,
        page
          .getByTestId('status-Deleting')
          .or(page.getByTestId('status-Deleted')),
      );
      await dialog.waitFor({ state: 'detached' });
      await row('Deletion requested').first().waitFor();
      await screenshot('06-instance-deleting');
      // Gone from the cluster: the record stays, as Deleted.
      await page
        .getByTestId('status-Deleted')
        .first()
        .waitFor({ timeout: 150_000 });
      await screenshot('06b-instance-deleted');
    }));

  it('revokes the API key after confirmation, and the key stops working', () =>
    screenshotOnFailure('revoke-key', async () => {
      // The instance deleted above is gone from the list; its record stays, readable with the key.
      const listing = await curl(`${await api()}/v1/instances`, apiKey!);
      expect(listing.body.items.map((i: any) => i.name)).not.toContain(
        instanceName,
      );
      const record = await curl(
        `${await api()}/v1/instances/${instanceName}`,
        apiKey!,
      );
      expect(record).toMatchObject({
        status: 200,
        body: { name: instanceName, status: 'Deleted' },
      });

      await page.getByRole('link', { name: 'SupaControl' }).first().click();
      await page.getByRole('button', { name: /API keys & status/ }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
      const dialog = page.getByRole('dialog', { name: `Revoke ${keyName}?` });
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expectAccepted(dialog, row(keyName).getByText(/revoked/));
      await dialog.waitFor({ state: 'detached' });
      expect(
        await page.getByRole('button', { name: `Revoke ${keyName}` }).count(),
      ).toBe(0);
      await screenshot('09-settings-key-revoked');

      const refused = await curl(`${await api()}/v1/instances`, apiKey!);
      expect(refused.status).toBe(401);
    }));
});
