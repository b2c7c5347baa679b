import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  fakeApi,
  fakeApiKey,
} from '../../../__testUtils__/fakes';
import { renderPage } from '../../../__testUtils__/renderPage';

const NEW_KEY =
  'sck_newkey0000000000_Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktMTIzNDU';

const ci = fakeApiKey({
  id: 'aaaaaaaaaaaaaaaa',
  name: 'ci',
  scopes: ['instances:read', 'instances:write'],
  lastUsedAt: '2025-01-02T10:00:00.000Z',
  expiresAt: '2999-01-01T00:00:00.000Z',
});
const old = fakeApiKey({
  id: 'bbbbbbbbbbbbbbbb',
  name: 'old laptop',
  revokedAt: '2025-01-03T10:00:00.000Z',
});

describe('SettingsPage', () => {
  it('shows progress while the keys load', async () => {
    const api = fakeApi({ listApiKeys: jest.fn(() => new Promise(() => {})) });
    await renderPage('/supacontrol/settings', { api });

    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it("shows the backend's message when the keys cannot be loaded", async () => {
    const error = await backendError(500, 'Error', 'database is locked');
    const api = fakeApi({ listApiKeys: jest.fn().mockRejectedValue(error) });
    await renderPage('/supacontrol/settings', { api });

    expect(
      await screen.findByText(/Could not load API keys: database is locked/),
    ).toBeInTheDocument();
  });

  it('explains a refusal to manage keys and offers no create button', async () => {
    const error = await backendError(
      403,
      'NotAllowedError',
      'You are not allowed to manage API keys',
    );
    const api = fakeApi({ listApiKeys: jest.fn().mockRejectedValue(error) });
    await renderPage('/supacontrol/settings', { api, permissions: 'deny' });

    expect(
      await screen.findByText('You may not manage API keys'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create API key' }),
    ).not.toBeInTheDocument();
  });

  it('says there are no keys yet and offers to create one', async () => {
    await renderPage('/supacontrol/settings', { api: fakeApi() });

    expect(await screen.findByText(/No API keys yet/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create API key' }),
    ).toBeInTheDocument();
  });

  it('lists keys with prefix, scopes, use, expiry and revocation', async () => {
    const api = fakeApi({ listApiKeys: jest.fn(async () => [ci, old]) });
    await renderPage('/supacontrol/settings', { api });

    const ciRow = (await screen.findByText('ci')).closest('tr')!;
    expect(within(ciRow).getByText('sck_aaaaaaaaaaaaaaaa')).toBeInTheDocument();
    expect(within(ciRow).getByText('instances:read')).toBeInTheDocument();
    expect(within(ciRow).getByText('instances:write')).toBeInTheDocument();
    expect(within(ciRow).getByText('active')).toBeInTheDocument();
    expect(
      within(ciRow).getByRole('button', { name: 'Revoke ci' }),
    ).toBeInTheDocument();

    const oldRow = screen.getByText('old laptop').closest('tr')!;
    expect(within(oldRow).getByText(/revoked/)).toBeInTheDocument();
    expect(within(oldRow).getAllByText('never')).toHaveLength(2);
    expect(
      within(oldRow).queryByRole('button', { name: /Revoke/ }),
    ).not.toBeInTheDocument();
  });

  it('hides revoke buttons the user may not use', async () => {
    const api = fakeApi({ listApiKeys: jest.fn(async () => [ci]) });
    await renderPage('/supacontrol/settings', { api, permissions: 'deny' });

    expect(await screen.findByText('ci')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Revoke ci' }),
    ).not.toBeInTheDocument();
  });

  it('shows a new key exactly once, with a warning and a copy button', async () => {
    const api = fakeApi({
      listApiKeys: jest
        .fn()
        .mockResolvedValueOnce([])
        .mockResolvedValue([
          fakeApiKey({ id: 'newkey0000000000', name: 'deploy' }),
        ]),
    });
    await renderPage('/supacontrol/settings', { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Create API key' }),
    );
    const form = screen.getByRole('dialog', { name: 'Create an API key' });
    const submit = within(form).getByRole('button', { name: 'Create key' });
    expect(submit).toBeDisabled();
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Name/ }),
      'deploy',
    );
    await userEvent.click(
      within(form).getByRole('checkbox', { name: /instances:write/ }),
    );
    await userEvent.click(
      within(form).getByRole('button', { name: /Expires after/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: '30 days' }));
    await userEvent.click(submit);

    const shown = await screen.findByRole('dialog', {
      name: 'API key deploy created',
    });
    expect(within(shown).getByLabelText('New API key')).toHaveTextContent(
      NEW_KEY,
    );
    expect(
      within(shown).getByText(/only time it is shown/),
    ).toBeInTheDocument();
    expect(
      within(shown).getByRole('button', { name: 'Copy API key' }),
    ).toBeInTheDocument();
    const request = api.createApiKey.mock.calls[0][0];
    expect(request).toMatchObject({
      name: 'deploy',
      scopes: ['instances:read', 'instances:write'],
    });
    expect(request.expiresInDays).toBe(30);

    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() =>
      expect(screen.queryByText(NEW_KEY)).not.toBeInTheDocument(),
    );
    expect(await screen.findByText('deploy')).toBeInTheDocument();
    expect(api.listApiKeys).toHaveBeenCalledTimes(2);

    // Opening the dialog again starts from scratch; the key is gone for good.
    await userEvent.click(
      screen.getByRole('button', { name: 'Create API key' }),
    );
    expect(
      screen.getByRole('dialog', { name: 'Create an API key' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(NEW_KEY)).not.toBeInTheDocument();
  });

  it('needs a name and at least one scope', async () => {
    await renderPage('/supacontrol/settings', { api: fakeApi() });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create API key' }),
    );
    const form = screen.getByRole('dialog', { name: 'Create an API key' });
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Name/ }),
      'x',
    );
    expect(
      within(form).getByRole('button', { name: 'Create key' }),
    ).toBeEnabled();

    await userEvent.click(
      within(form).getByRole('checkbox', { name: /instances:read/ }),
    );
    expect(
      within(form).getByText('Choose at least one scope'),
    ).toBeInTheDocument();
    expect(
      within(form).getByRole('button', { name: 'Create key' }),
    ).toBeDisabled();
  });

  it("asks for a key that never expires, and shows the backend's refusal", async () => {
    const message =
      'Only SupaControl admins may create keys that never expire; give expiresInDays from 1 to 365, or leave it out for 90 days';
    const error = await backendError(403, 'NotAllowedError', message);
    const api = fakeApi({ createApiKey: jest.fn().mockRejectedValue(error) });
    await renderPage('/supacontrol/settings', { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create API key' }),
    );
    const form = screen.getByRole('dialog', { name: 'Create an API key' });
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Name/ }),
      'x',
    );
    await userEvent.click(
      within(form).getByRole('button', { name: /Expires after/ }),
    );
    await userEvent.click(
      screen.getByRole('option', { name: 'Never (admins only)' }),
    );
    await userEvent.click(
      within(form).getByRole('button', { name: 'Create key' }),
    );

    expect(await within(form).findByRole('alert')).toHaveTextContent(message);
    expect(api.createApiKey.mock.calls[0][0].expiresInDays).toBe('never');
  });

  it('revokes a key after confirmation', async () => {
    const api = fakeApi({
      listApiKeys: jest
        .fn()
        .mockResolvedValueOnce([ci])
        .mockResolvedValue([{ ...ci, revokedAt: new Date().toISOString() }]),
    });
    await renderPage('/supacontrol/settings', { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke ci' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Revoke ci?' });
    expect(
      within(dialog).getByText('sck_aaaaaaaaaaaaaaaa…'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(api.revokeApiKey).toHaveBeenCalledWith('aaaaaaaaaaaaaaaa');
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Revoke ci' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows the backend status card', async () => {
    await renderPage('/supacontrol/settings', { api: fakeApi() });

    expect(await screen.findByText('Backend status')).toBeInTheDocument();
    expect(screen.getByText('healthy')).toBeInTheDocument();
    expect(screen.getByText('connected (better-sqlite3)')).toBeInTheDocument();
  });
});
