import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SupaControlApi } from '../../../api';
import {
  backendError,
  fakeApi,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import { FakePermissions } from '../../../__testUtils__/renderPage';
import {
  fakeAlertApi,
  renderWithApis,
} from '../../../__testUtils__/renderWithApis';
import {
  DATABASE_ROTATION_REASON,
  InstanceOperations,
} from './InstanceOperations';

async function renderOperations(
  instance: Instance = fakeInstance(),
  options: { api?: SupaControlApi; permissions?: FakePermissions } = {},
) {
  const api = options.api ?? fakeApi();
  const alertApi = fakeAlertApi();
  const onChanged = jest.fn();
  await renderWithApis(
    <InstanceOperations instance={instance} onChanged={onChanged} />,
    { api, alertApi, permissions: options.permissions },
  );
  await screen.findByRole('heading', { name: 'Restart' });
  return { api, alertApi, onChanged };
}

/** Opens the select labelled `label` and picks `option`. */
async function choose(label: string, option: string) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  await userEvent.click(screen.getByRole('option', { name: option }));
}

describe('InstanceOperations', () => {
  it('restarts every component by default', async () => {
    const { api, onChanged } = await renderOperations();

    expect(screen.getByRole('button', { name: /Component/ })).toHaveTextContent(
      'All components',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Restart' }));

    expect(api.restartInstance).toHaveBeenCalledWith('orders', undefined);
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('restarts the one component picked', async () => {
    const { api, alertApi } = await renderOperations();

    await choose('Component All components', 'auth');
    await userEvent.click(screen.getByRole('button', { name: 'Restart' }));

    expect(api.restartInstance).toHaveBeenCalledWith('orders', 'auth');
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({ message: 'Restarting auth of orders.' }),
      ),
    );
  });

  it('restarts nothing while the instance is paused, but rotates its credentials', async () => {
    await renderOperations(
      fakeInstance({ status: 'Paused', desiredState: 'paused' }),
    );

    expect(screen.getByRole('button', { name: 'Restart' })).toBeDisabled();
    expect(
      screen.getByText(
        'Only a Running, Updating or Degraded instance can be restarted',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Rotate JWT secret' }),
    ).toBeEnabled();
  });

  it('neither restarts nor rotates while the instance is still Provisioning', async () => {
    await renderOperations(fakeInstance({ status: 'Provisioning' }));

    expect(screen.getByRole('button', { name: 'Restart' })).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Rotate JWT secret' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Rotate Studio password' }),
    ).toBeDisabled();
  });

  it('changes the plan to one of the backend plans', async () => {
    const { api, onChanged } = await renderOperations();

    const change = screen.getByRole('button', { name: 'Change plan' });
    expect(change).toBeDisabled();
    const plan = screen.getByRole('button', { name: /Plan/ });
    await waitFor(() => expect(plan).toHaveTextContent('small (current)'));
    await userEvent.click(plan);
    await userEvent.click(screen.getByRole('option', { name: 'large' }));
    expect(screen.getByText('2 CPU, 4 GiB, 50 GiB disk')).toBeInTheDocument();
    await userEvent.click(change);

    expect(api.updateInstance).toHaveBeenCalledWith('orders', {
      plan: 'large',
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('upgrades to one of the allowed chart versions', async () => {
    const { api, onChanged } = await renderOperations();

    const upgrade = screen.getByRole('button', { name: 'Upgrade' });
    expect(upgrade).toBeDisabled();
    const version = screen.getByRole('button', { name: /Chart version/ });
    await waitFor(() => expect(version).toHaveTextContent('0.1.0 (current)'));
    await userEvent.click(version);
    await userEvent.click(screen.getByRole('option', { name: '0.2.0' }));
    await userEvent.click(upgrade);

    expect(api.updateInstance).toHaveBeenCalledWith('orders', {
      chartVersion: '0.2.0',
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it("shows the backend's refusal of a plan change in the card", async () => {
    const refusal = await backendError(
      409,
      'ConflictError',
      'orders is Updating; change its plan once it is Running',
    );
    const { onChanged } = await renderOperations(fakeInstance(), {
      api: fakeApi({ updateInstance: jest.fn().mockRejectedValue(refusal) }),
    });

    const plan = screen.getByRole('button', { name: /Plan/ });
    await waitFor(() => expect(plan).toHaveTextContent('small (current)'));
    await userEvent.click(plan);
    await userEvent.click(screen.getByRole('option', { name: 'large' }));
    await userEvent.click(screen.getByRole('button', { name: 'Change plan' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not change the plan of orders: orders is Updating; change its plan once it is Running',
    );
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('rotates the JWT secret only after a warning that the old keys stop working', async () => {
    const { api, onChanged } = await renderOperations();

    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate JWT secret' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Rotate the JWT secret?',
    });
    expect(dialog).toHaveTextContent('The old keys stop working');
    expect(api.rotateCredentials).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );

    expect(api.rotateCredentials).toHaveBeenCalledWith('orders', 'jwt');
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('rotates the Studio password after a confirmation', async () => {
    const { api } = await renderOperations();

    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate Studio password' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Rotate the Studio password?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );

    expect(api.rotateCredentials).toHaveBeenCalledWith('orders', 'dashboard');
  });

  it("keeps the rotation dialog open with the backend's refusal", async () => {
    const refusal = await backendError(
      503,
      'ServiceUnavailableError',
      'The cluster is not reachable',
    );
    const { onChanged } = await renderOperations(fakeInstance(), {
      api: fakeApi({
        rotateCredentials: jest.fn().mockRejectedValue(refusal),
      }),
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate JWT secret' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Rotate the JWT secret?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Rotate' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The cluster is not reachable',
    );
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('offers no database password rotation, and says why', async () => {
    const { api } = await renderOperations();

    const database = screen.getByRole('button', {
      name: 'Rotate database password',
    });
    expect(database).toBeDisabled();
    expect(database).toHaveAccessibleDescription(DATABASE_ROTATION_REASON);
    expect(api.rotateCredentials).not.toHaveBeenCalled();
  });

  it('switches deletion protection on', async () => {
    const api = fakeApi();
    const { onChanged } = await renderOperations(fakeInstance(), { api });

    const protection = screen.getByRole('checkbox', {
      name: 'Deletion protection',
    });
    expect(protection).not.toBeChecked();
    await userEvent.click(protection);
    expect(api.updateInstance).toHaveBeenCalledWith('orders', {
      deletionProtection: true,
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it('switches deletion protection off', async () => {
    const { api } = await renderOperations(
      fakeInstance({ deletionProtection: true }),
    );

    const protection = screen.getByRole('checkbox', {
      name: 'Deletion protection',
    });
    expect(protection).toBeChecked();
    await userEvent.click(protection);
    expect(api.updateInstance).toHaveBeenCalledWith('orders', {
      deletionProtection: false,
    });
  });

  it('changes nothing on an instance that is being deleted', async () => {
    await renderOperations(fakeInstance({ status: 'Deleting' }));

    expect(screen.getByText(/nothing can be changed any more/)).toBeVisible();
    expect(
      screen.getByRole('checkbox', { name: 'Deletion protection' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Restart' })).toBeDisabled();
  });

  it('offers nothing to a user who may not change the instance', async () => {
    const api = fakeApi();
    await renderWithApis(
      <InstanceOperations instance={fakeInstance()} onChanged={jest.fn()} />,
      { api, permissions: 'deny' },
    );

    expect(
      await screen.findByText('You may not change this instance.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Restart' }),
    ).not.toBeInTheDocument();
  });
});
