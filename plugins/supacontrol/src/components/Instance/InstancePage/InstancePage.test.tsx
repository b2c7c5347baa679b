import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  fakeApi,
  fakeCredentials,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import { renderPage } from '../../../__testUtils__/renderPage';
import { AUTO_REFRESH_INTERVAL_MS } from '../../../hooks';

const running = fakeInstance({
  name: 'orders',
  status: 'Running',
  endpoints: {
    api: 'https://orders.supa.example.com',
    studio: 'https://studio.orders.supa.example.com',
  },
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'AllComponentsReady',
      message: 'Every component is ready',
      lastTransitionTime: '2025-01-01T10:04:00.000Z',
    },
    {
      type: 'Installed',
      status: 'True',
      reason: 'HelmReleaseDeployed',
      message: 'Release supa-orders deployed',
      lastTransitionTime: '2025-01-01T10:02:00.000Z',
    },
  ],
  components: [
    {
      name: 'db',
      kind: 'StatefulSet',
      ready: true,
      readyReplicas: 1,
      replicas: 1,
    },
    {
      name: 'rest',
      kind: 'Deployment',
      ready: false,
      readyReplicas: 0,
      replicas: 2,
    },
  ],
});

describe('InstancePage', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows a progress bar while the instance loads', async () => {
    const api = fakeApi({ getInstance: jest.fn(() => new Promise(() => {})) });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getInstance).toHaveBeenCalledWith('orders');
  });

  it("shows the backend's message when the instance cannot be loaded", async () => {
    const error = await backendError(
      404,
      'NotFoundError',
      "No instance named 'ghost'",
    );
    const api = fakeApi({ getInstance: jest.fn().mockRejectedValue(error) });
    await renderPage('/supacontrol/instances/ghost', { api });

    expect(
      await screen.findByText(
        /Could not load instance ghost: No instance named 'ghost'/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Instances' })).toHaveAttribute(
      'href',
      '/supacontrol',
    );
  });

  it('shows status, placement, conditions, components, connection details and history', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(
      await screen.findByRole('heading', { name: 'orders' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('status-Running')).toBeInTheDocument();
    // Where it runs.
    expect(screen.getByText('eu-1')).toBeInTheDocument();
    expect(screen.getByText('eu-west')).toBeInTheDocument();
    // Conditions, oldest first.
    const installed = screen.getByText('Installed: True');
    const ready = screen.getByText('Ready: True');
    expect(
      installed.compareDocumentPosition(ready) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      screen.getByText(/HelmReleaseDeployed — Release supa-orders deployed/),
    ).toBeInTheDocument();
    // Components.
    const components = screen.getByRole('table', { name: 'Components' });
    expect(within(components).getByText('0/2')).toBeInTheDocument();
    expect(screen.getByText('1/2 ready')).toBeInTheDocument();
    // Connection: the endpoints, and the keys masked until asked for.
    expect(await screen.findByLabelText('anon key')).not.toHaveTextContent(
      fakeCredentials.anonKey,
    );
    expect(
      screen.getByRole('button', { name: 'Copy anon key' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: new RegExp(fakeCredentials.studioUrl) }),
    ).toBeInTheDocument();
    // History, newest first.
    expect(
      screen.getByText('Installing release supa-orders'),
    ).toBeInTheDocument();
    expect(screen.getByText('Pending → Provisioning')).toBeInTheDocument();
  });

  it.each([
    [
      { smtp: false, autoconfirm: true },
      'confirmed automatically: no SMTP server is configured for this plan, so no e-mail is sent',
    ],
    [
      { smtp: true, autoconfirm: false },
      'confirmed by e-mail (SMTP configured)',
    ],
  ])('says how e-mail sign-ups are confirmed (%j)', async (mail, text) => {
    const api = fakeApi({
      getInstance: jest.fn(async () => ({ ...running, mail })),
    });
    await renderPage('/supacontrol/instances/orders', { api });
    expect(await screen.findByText(text)).toBeInTheDocument();
  });

  it('requests no credentials until a key is revealed, then reads them once', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    const anonKey = await screen.findByLabelText('anon key');
    await screen.findByRole('button', { name: 'Delete' });
    expect(anonKey).toHaveTextContent('••••');
    expect(
      screen.getByLabelText('Postgres connection string'),
    ).toHaveTextContent('••••');
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal anon key' }),
    );
    await waitFor(() =>
      expect(anonKey).toHaveTextContent(fakeCredentials.anonKey),
    );
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(1);
    expect(api.getInstanceCredentials).toHaveBeenCalledWith('orders');
    // The anon key is public once read: no reveal button is left for it.
    expect(
      screen.queryByRole('button', { name: 'Hide anon key' }),
    ).not.toBeInTheDocument();
    expect(screen.getByLabelText('Studio user')).toHaveTextContent(
      fakeCredentials.dashboard.username,
    );
  });

  it('reads the credentials on the first copy and puts the key on the clipboard', async () => {
    const user = userEvent.setup();
    // user-event's clipboard stub cannot read back in jsdom; what is written is what matters.
    const writeText = jest
      .spyOn(navigator.clipboard, 'writeText')
      .mockResolvedValue();
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    await user.click(
      await screen.findByRole('button', { name: 'Copy service_role key' }),
    );
    await waitFor(() =>
      expect(writeText).toHaveBeenCalledWith(fakeCredentials.serviceRoleKey),
    );
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(1);
    // Copying does not reveal a secret.
    expect(screen.getByLabelText('service_role key')).not.toHaveTextContent(
      fakeCredentials.serviceRoleKey,
    );

    await user.click(screen.getByRole('button', { name: 'Copy anon key' }));
    await waitFor(() =>
      expect(writeText).toHaveBeenLastCalledWith(fakeCredentials.anonKey),
    );
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(1);
  });

  it('keeps the service_role key, database and Studio passwords hidden until revealed', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    const serviceRole = await screen.findByLabelText('service_role key');
    expect(serviceRole).not.toHaveTextContent(fakeCredentials.serviceRoleKey);

    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal service_role key' }),
    );
    await waitFor(() =>
      expect(serviceRole).toHaveTextContent(fakeCredentials.serviceRoleKey),
    );
    // Only the revealed secret shows; the others stay masked after the read.
    expect(
      screen.getByLabelText('Postgres connection string'),
    ).toHaveTextContent(
      'postgresql://postgres:••••••@db.supa-orders.svc:5432/postgres',
    );
    expect(screen.getByLabelText('Studio password')).not.toHaveTextContent(
      'studio-password',
    );
    expect(screen.queryByText(/db-password/)).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Hide service_role key' }),
    );
    expect(serviceRole).not.toHaveTextContent(fakeCredentials.serviceRoleKey);

    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal Postgres connection string' }),
    );
    expect(
      screen.getByLabelText('Postgres connection string'),
    ).toHaveTextContent(fakeCredentials.postgresUrl);
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(1);
  });

  it('explains the empty cards of an instance that is still Pending', async () => {
    const api = fakeApi({
      getInstance: jest.fn(async () => fakeInstance({ status: 'Pending' })),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(await screen.findByText(/No conditions yet/)).toBeInTheDocument();
    expect(screen.getByText(/No components yet/)).toBeInTheDocument();
    expect(
      screen.getByText(
        'Keys and connection strings appear once the instance is Running.',
      ),
    ).toBeInTheDocument();
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
  });

  it('offers no actions and no credentials to a user without permission', async () => {
    const api = fakeApi({
      getInstance: jest.fn(async () =>
        fakeInstance({
          ...running,
          status: 'Failed',
          lastError: 'helm timed out',
        }),
      ),
    });
    await renderPage('/supacontrol/instances/orders', {
      api,
      permissions: 'deny',
    });

    expect(await screen.findByText('helm timed out')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete' }),
    ).not.toBeInTheDocument();
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
    // The endpoints are not secret and stay visible.
    expect(
      screen.getByRole('link', { name: /https:\/\/orders.supa.example.com/ }),
    ).toBeInTheDocument();
  });

  it('lets a user who may read the instance but not its credentials still act on it', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', {
      api,
      permissions: name => name !== 'supacontrol.instance.credentials.read',
    });

    expect(
      await screen.findByRole('button', { name: 'Delete' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /You may not read this instance's keys and passwords/,
      ),
    ).toBeInTheDocument();
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
  });

  it('shows the last error of a Failed instance and retries it', async () => {
    const failed = fakeInstance({
      status: 'Failed',
      lastError: 'helm install timed out after 10m; check the chart values',
    });
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(failed)
        .mockResolvedValue(fakeInstance({ status: 'Provisioning' })),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(
      await screen.findByText(
        'helm install timed out after 10m; check the chart values',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(api.retryInstance).toHaveBeenCalledWith('orders');
    expect(
      await screen.findByTestId('status-Provisioning'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('offers no retry for an instance that has not failed', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(
      await screen.findByRole('button', { name: 'Delete' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('deletes the instance after its name is typed', async () => {
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(running)
        .mockResolvedValue(fakeInstance({ status: 'Deleting' })),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete orders?' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Type orders to confirm'),
      'orders',
    );
    await userEvent.click(confirm);

    expect(api.deleteInstance).toHaveBeenCalledWith('orders');
    expect(await screen.findByTestId('status-Deleting')).toBeInTheDocument();
    expect(
      screen.getByText(/being deleted; its keys and passwords are gone/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Delete' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('says why the credentials could not be read', async () => {
    const error = await backendError(
      503,
      'ServiceUnavailableError',
      'The instance secret supa-orders/jwt is not there yet',
    );
    const api = fakeApi({
      getInstance: jest.fn(async () => running),
      getInstanceCredentials: jest
        .fn()
        .mockRejectedValueOnce(error)
        .mockResolvedValue(fakeCredentials),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Reveal anon key' }),
    );
    expect(
      await screen.findByText(
        'Could not load the credentials: The instance secret supa-orders/jwt is not there yet',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('anon key')).not.toHaveTextContent(
      fakeCredentials.anonKey,
    );

    // The next click tries again.
    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal anon key' }),
    );
    await waitFor(() =>
      expect(screen.getByLabelText('anon key')).toHaveTextContent(
        fakeCredentials.anonKey,
      ),
    );
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(2);
  });

  it('refreshes while the instance is transitional and stops once it is Running', async () => {
    jest.useFakeTimers();
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(fakeInstance({ status: 'Provisioning' }))
        .mockResolvedValue(running),
    });
    await renderPage('/supacontrol/instances/orders', { api });
    expect(
      await screen.findByTestId('status-Provisioning'),
    ).toBeInTheDocument();

    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS);
    });
    expect(await screen.findByTestId('status-Running')).toBeInTheDocument();
    expect(api.getInstance).toHaveBeenCalledTimes(2);
    expect(api.listInstanceEvents).toHaveBeenCalledTimes(2);

    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10);
    });
    expect(api.getInstance).toHaveBeenCalledTimes(2);
  });

  it('pauses the instance after a confirmation and shows it Paused, then resumes it', async () => {
    const paused = fakeInstance({ status: 'Paused', desiredState: 'paused' });
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(running)
        .mockResolvedValueOnce(paused)
        .mockResolvedValue(running),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause orders?' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause' }),
    );

    expect(api.pauseInstance).toHaveBeenCalledWith('orders');
    expect(await screen.findByTestId('status-Paused')).toBeInTheDocument();
    // Gone with the closing dialog and from the header.
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Pause' }),
      ).not.toBeInTheDocument(),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(api.resumeInstance).toHaveBeenCalledWith('orders');
    expect(await screen.findByTestId('status-Running')).toBeInTheDocument();
  });

  it('keeps polling a pause that the reconciler has not picked up yet', async () => {
    jest.useFakeTimers();
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(
          fakeInstance({ status: 'Running', desiredState: 'paused' }),
        )
        .mockResolvedValue(
          fakeInstance({ status: 'Paused', desiredState: 'paused' }),
        ),
    });
    await renderPage('/supacontrol/instances/orders', { api });
    expect(await screen.findByTestId('status-Running')).toBeInTheDocument();

    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS);
    });
    expect(await screen.findByTestId('status-Paused')).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10);
    });
    expect(api.getInstance).toHaveBeenCalledTimes(2);
  });

  it('turns on deletion protection under Operations, which disables Delete', async () => {
    const api = fakeApi({
      getInstance: jest
        .fn()
        .mockResolvedValueOnce(running)
        .mockResolvedValue({ ...running, deletionProtection: true }),
    });
    await renderPage('/supacontrol/instances/orders', { api });

    expect(await screen.findByRole('button', { name: 'Delete' })).toBeEnabled();
    await userEvent.click(screen.getByRole('tab', { name: 'Operations' }));
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Deletion protection' }),
    );

    expect(api.updateInstance).toHaveBeenCalledWith('orders', {
      deletionProtection: true,
    });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled(),
    );
    expect(
      screen.getByRole('checkbox', { name: 'Deletion protection' }),
    ).toBeChecked();
  });

  it('reads logs and cluster events only when their tabs are opened', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders', { api });

    await screen.findByRole('tab', { name: 'Overview', selected: true });
    expect(api.readLogs).not.toHaveBeenCalled();
    expect(api.getClusterEvents).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('tab', { name: 'Logs' }));
    expect(
      await screen.findByRole('log', { name: 'Logs of db' }),
    ).toHaveTextContent('ready to accept connections');
    expect(api.readLogs).toHaveBeenCalledWith('orders', {
      component: 'db',
      tail: 200,
    });
    // The overview is not mounted behind the tab.
    expect(screen.queryByText('Event history')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Cluster events' }));
    expect(
      await screen.findByRole('table', { name: 'Cluster events' }),
    ).toHaveTextContent('BackOff');
    expect(api.getClusterEvents).toHaveBeenCalledWith('orders');
  });

  it('opens the tab named in the address', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderPage('/supacontrol/instances/orders?tab=logs', { api });

    expect(
      await screen.findByRole('tab', { name: 'Logs', selected: true }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('log', { name: 'Logs of db' }),
    ).toBeInTheDocument();
  });
});
