import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Instance } from '@supacontrol/plugin-supacontrol-common';
import {
  backendError,
  fakeApi,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import {
  fakeAlertApi,
  renderWithApis,
} from '../../../__testUtils__/renderWithApis';
import { SupaControlApi } from '../../../api';
import { FakePermissions } from '../../../__testUtils__/renderPage';
import { DELETION_PROTECTED_HINT, InstanceActions } from './InstanceActions';

function renderActions(
  instance: Instance,
  options: { api?: SupaControlApi; permissions?: FakePermissions } = {},
) {
  const api = options.api ?? fakeApi();
  const alertApi = fakeAlertApi();
  const onChanged = jest.fn();
  const rendered = renderWithApis(
    <InstanceActions instance={instance} onChanged={onChanged} />,
    { api, alertApi, permissions: options.permissions },
  );
  return { api, alertApi, onChanged, rendered };
}

describe('InstanceActions', () => {
  it('pauses a Running instance after a confirmation', async () => {
    const { api, onChanged, rendered } = renderActions(
      fakeInstance({ status: 'Running' }),
    );
    await rendered;

    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause orders?' });
    expect(dialog).toHaveTextContent(/scaled to zero/);
    expect(api.pauseInstance).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause' }),
    );

    expect(api.pauseInstance).toHaveBeenCalledWith('orders');
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('does not pause when the confirmation is cancelled', async () => {
    const { api, onChanged, rendered } = renderActions(
      fakeInstance({ status: 'Running' }),
    );
    await rendered;

    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(api.pauseInstance).not.toHaveBeenCalled();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal to pause in the dialog", async () => {
    const refusal = await backendError(
      409,
      'ConflictError',
      'Only a Running or Updating instance can be paused; orders is Provisioning',
    );
    const { onChanged, rendered } = renderActions(
      fakeInstance({ status: 'Updating' }),
      { api: fakeApi({ pauseInstance: jest.fn().mockRejectedValue(refusal) }) },
    );
    await rendered;

    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause orders?' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Only a Running or Updating instance can be paused; orders is Provisioning',
    );
    expect(onChanged).not.toHaveBeenCalled();
  });

  it.each([
    ['Pending', 'running'],
    ['Failed', 'running'],
    ['Paused', 'paused'],
    ['Running', 'paused'],
  ] as const)(
    'offers no pause for a %s instance that should be %s',
    async (status, desiredState) => {
      const { rendered } = renderActions(
        fakeInstance({ status, desiredState }),
      );
      await rendered;

      await screen.findByRole('button', { name: 'Delete' });
      expect(
        screen.queryByRole('button', { name: 'Pause' }),
      ).not.toBeInTheDocument();
    },
  );

  it('resumes a paused instance at once and says so', async () => {
    const { api, alertApi, onChanged, rendered } = renderActions(
      fakeInstance({ status: 'Paused', desiredState: 'paused' }),
    );
    await rendered;

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );

    expect(api.resumeInstance).toHaveBeenCalledWith('orders');
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Resuming orders.' }),
    );
  });

  it('offers no resume to an instance that is not paused', async () => {
    const { rendered } = renderActions(fakeInstance({ status: 'Running' }));
    await rendered;

    await screen.findByRole('button', { name: 'Pause' });
    expect(
      screen.queryByRole('button', { name: 'Resume' }),
    ).not.toBeInTheDocument();
  });

  it("posts the backend's refusal to resume as an error", async () => {
    const refusal = await backendError(
      409,
      'ConflictError',
      'orders is not paused',
    );
    const { alertApi, onChanged, rendered } = renderActions(
      fakeInstance({ status: 'Paused', desiredState: 'paused' }),
      {
        api: fakeApi({ resumeInstance: jest.fn().mockRejectedValue(refusal) }),
      },
    );
    await rendered;

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );

    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'Could not resume orders: orders is not paused',
        severity: 'error',
      }),
    );
    expect(onChanged).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
  });

  it('offers neither pause nor resume without the update permission', async () => {
    const { rendered } = renderActions(fakeInstance({ status: 'Running' }), {
      permissions: name => name !== 'supacontrol.instance.update',
    });
    await rendered;

    await screen.findByRole('button', { name: 'Delete' });
    expect(
      screen.queryByRole('button', { name: 'Pause' }),
    ).not.toBeInTheDocument();
  });

  it('disables Delete while deletion protection is on, and says why', async () => {
    const { rendered } = renderActions(
      fakeInstance({ deletionProtection: true }),
    );
    await rendered;

    const remove = await screen.findByRole('button', { name: 'Delete' });
    expect(remove).toBeDisabled();
    await userEvent.hover(remove.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      DELETION_PROTECTED_HINT,
    );
  });

  it("shows the backend's 409 when a protected instance is deleted anyway", async () => {
    // The page may be older than the protection, switched on elsewhere.
    const refusal = await backendError(
      409,
      'ConflictError',
      'orders has deletion protection; clear it with PATCH {deletionProtection: false} first',
    );
    const { rendered } = renderActions(fakeInstance(), {
      api: fakeApi({ deleteInstance: jest.fn().mockRejectedValue(refusal) }),
    });
    await rendered;

    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete orders?' });
    await userEvent.type(
      within(dialog).getByLabelText('Type orders to confirm'),
      'orders',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'orders has deletion protection; clear it with PATCH {deletionProtection: false} first',
    );
  });
});
