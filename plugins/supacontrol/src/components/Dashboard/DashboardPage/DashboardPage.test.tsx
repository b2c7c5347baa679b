import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  fakeApi,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import { pasteInto } from '../../../__testUtils__/input';
import { renderPage } from '../../../__testUtils__/renderPage';
import { AUTO_REFRESH_INTERVAL_MS } from '../../../hooks';

const orders = fakeInstance({
  name: 'orders',
  status: 'Running',
  owner: 'group:default/team-a',
  plan: 'large',
  cluster: 'us-1',
  region: 'us-east',
  components: [
    {
      name: 'db',
      kind: 'StatefulSet',
      ready: true,
      readyReplicas: 1,
      replicas: 1,
    },
    {
      name: 'kong',
      kind: 'Deployment',
      ready: true,
      readyReplicas: 1,
      replicas: 1,
    },
    {
      name: 'auth',
      kind: 'Deployment',
      ready: false,
      readyReplicas: 0,
      replicas: 1,
    },
  ],
});
const billing = fakeInstance({ name: 'billing', status: 'Failed' });

describe('DashboardPage', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows a progress bar while the instances load', async () => {
    const api = fakeApi({
      listInstances: jest.fn(() => new Promise(() => {})),
    });
    await renderPage('/supacontrol', { api });

    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's explanation when the list fails", async () => {
    const error = await backendError(
      503,
      'ServiceUnavailableError',
      'The SupaControl database does not answer; try again shortly',
    );
    const api = fakeApi({ listInstances: jest.fn().mockRejectedValue(error) });
    await renderPage('/supacontrol', { api });

    expect(
      await screen.findByText(
        /Could not load instances: The SupaControl database does not answer/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(api.listInstances).toHaveBeenCalledTimes(2);
  });

  it('explains what an instance is and offers to create one when there are none', async () => {
    const api = fakeApi();
    await renderPage('/supacontrol', { api });

    expect(
      await screen.findByText('No Supabase instances yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/complete Supabase stack \(Postgres, Auth/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create instance' }),
    );
    expect(
      await screen.findByRole('dialog', { name: 'Create a Supabase instance' }),
    ).toBeInTheDocument();
  });

  it('lists instances with status, components ready, owner, plan, cluster, region and a link', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async () => ({
        items: [orders, billing],
        totalCount: 2,
      })),
    });
    await renderPage('/supacontrol', { api });

    expect(await screen.findByText('Instances (2)')).toBeInTheDocument();
    const row = screen.getByRole('link', { name: 'orders' }).closest('tr')!;
    expect(screen.getByRole('link', { name: 'orders' })).toHaveAttribute(
      'href',
      '/supacontrol/instances/orders',
    );
    expect(within(row).getByText('Running')).toBeInTheDocument();
    expect(within(row).getByText('2/3')).toBeInTheDocument();
    expect(within(row).getByText('group:default/team-a')).toBeInTheDocument();
    expect(within(row).getByText('large')).toBeInTheDocument();
    expect(within(row).getByText('us-1')).toBeInTheDocument();
    expect(within(row).getByText('us-east')).toBeInTheDocument();
    expect(
      screen.getAllByRole('columnheader').map(header => header.textContent),
    ).toEqual(expect.arrayContaining(['Cluster', 'Region']));
    expect(
      within(
        screen.getByRole('link', { name: 'billing' }).closest('tr')!,
      ).getByText('Failed'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Delete orders' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create instance' }),
    ).toBeInTheDocument();
    expect(api.listInstances).toHaveBeenCalledWith({
      limit: 20,
      cursor: undefined,
      owner: undefined,
      status: undefined,
      cluster: undefined,
      region: undefined,
    });
  });

  it('shows no create or delete buttons to a user without permission', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async () => ({ items: [orders], totalCount: 1 })),
    });
    await renderPage('/supacontrol', { api, permissions: 'deny' });

    expect(await screen.findByText('Instances (1)')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete orders' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create instance' }),
    ).not.toBeInTheDocument();
  });

  it('says why there is no create button in an empty dashboard without permission', async () => {
    await renderPage('/supacontrol', { api: fakeApi(), permissions: 'deny' });

    expect(
      await screen.findByText(/You are not allowed to create instances/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create instance' }),
    ).not.toBeInTheDocument();
  });

  it('sends the status and owner filters to the backend and searches the page', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async () => ({
        items: [orders, billing],
        totalCount: 2,
      })),
    });
    await renderPage('/supacontrol', { api });
    await screen.findByText('Instances (2)');

    await userEvent.click(screen.getByRole('button', { name: /Status/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed' }),
    );
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({ status: 'Failed' }),
      ),
    );

    await pasteInto(
      screen.getByRole('textbox', { name: 'Owner' }),
      'group:default/team-a',
    );
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({
          status: 'Failed',
          owner: 'group:default/team-a',
        }),
      ),
    );

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search' }),
      'bill',
    );
    expect(screen.getByRole('link', { name: 'billing' })).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'orders' }),
    ).not.toBeInTheDocument();
  });

  it('sends the cluster and region filters to the backend, from the first page', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async () => ({
        items: [orders, billing],
        totalCount: 30,
        nextCursor: 'page-2',
      })),
    });
    await renderPage('/supacontrol', { api });
    await screen.findByText('Instances (30)');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({ cursor: 'page-2' }),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: /Region/ }));
    expect(
      screen.getAllByRole('option').map(option => option.textContent),
    ).toEqual(['Any region', 'eu-west', 'us-east']);
    await userEvent.click(screen.getByRole('option', { name: 'us-east' }));
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({ region: 'us-east', cursor: undefined }),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: /Cluster/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'us-1' }));
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({ region: 'us-east', cluster: 'us-1' }),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: /Region/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Any region' }),
    );
    await waitFor(() =>
      expect(api.listInstances).toHaveBeenLastCalledWith(
        expect.objectContaining({ region: undefined, cluster: 'us-1' }),
      ),
    );
  });

  it('leaves out the cluster and region filters when the clusters cannot be loaded', async () => {
    const api = fakeApi({
      listClusters: jest.fn().mockRejectedValue(new Error('Failed to fetch')),
      listInstances: jest.fn(async () => ({ items: [orders], totalCount: 1 })),
    });
    await renderPage('/supacontrol', { api });

    expect(await screen.findByText('Instances (1)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Status/ })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Region/ }),
    ).not.toBeInTheDocument();
    expect(
      within(
        screen.getByRole('link', { name: 'orders' }).closest('tr')!,
      ).getByText('us-1'),
    ).toBeInTheDocument();
  });

  it('pages through the instances with the cursor', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async ({ cursor } = {}) =>
        cursor === 'page-2'
          ? { items: [billing], totalCount: 21 }
          : { items: [orders], totalCount: 21, nextCursor: 'page-2' },
      ),
    });
    await renderPage('/supacontrol', { api });
    expect(await screen.findByText('1–1 of 21')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(
      await screen.findByRole('link', { name: 'billing' }),
    ).toBeInTheDocument();
    expect(api.listInstances).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'page-2' }),
    );
    expect(screen.getByText('21–21 of 21')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(
      await screen.findByRole('link', { name: 'orders' }),
    ).toBeInTheDocument();
  });

  it('refreshes while an instance is transitional and stops when none is', async () => {
    jest.useFakeTimers();
    const provisioning = fakeInstance({
      name: 'orders',
      status: 'Provisioning',
    });
    const api = fakeApi({
      listInstances: jest
        .fn()
        .mockResolvedValueOnce({ items: [provisioning], totalCount: 1 })
        .mockResolvedValueOnce({ items: [provisioning], totalCount: 1 })
        .mockResolvedValue({ items: [orders], totalCount: 1 }),
    });
    await renderPage('/supacontrol', { api });
    expect(await screen.findByText('Provisioning')).toBeInTheDocument();
    expect(api.listInstances).toHaveBeenCalledTimes(1);

    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS);
    });
    expect(api.listInstances).toHaveBeenCalledTimes(2);

    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS);
    });
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(api.listInstances).toHaveBeenCalledTimes(3);

    // Nothing is transitional any more: no further requests, however long we wait.
    await act(async () => {
      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10);
    });
    expect(api.listInstances).toHaveBeenCalledTimes(3);
  });

  it('adds a created instance to the table as Pending', async () => {
    const pending = fakeInstance({ name: 'new-one', status: 'Pending' });
    const api = fakeApi({
      listInstances: jest
        .fn()
        .mockResolvedValueOnce({ items: [orders], totalCount: 1 })
        .mockResolvedValue({ items: [pending, orders], totalCount: 2 }),
    });
    await renderPage('/supacontrol', { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create instance' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: /Name/ }),
      'new-one',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));

    expect(api.createInstance).toHaveBeenCalledWith({
      name: 'new-one',
      plan: 'small',
      owner: undefined,
    });
    const link = await screen.findByRole('link', { name: 'new-one' });
    expect(
      within(link.closest('tr')!).getByText('Pending'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('deletes an instance only after its name is typed', async () => {
    const api = fakeApi({
      listInstances: jest.fn(async () => ({ items: [orders], totalCount: 1 })),
    });
    await renderPage('/supacontrol', { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete orders' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete orders?',
    });
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });

    await userEvent.type(
      within(dialog).getByLabelText('Type orders to confirm'),
      'orderz',
    );
    expect(confirm).toBeDisabled();
    await userEvent.clear(
      within(dialog).getByLabelText('Type orders to confirm'),
    );
    await userEvent.type(
      within(dialog).getByLabelText('Type orders to confirm'),
      'orders',
    );
    await userEvent.click(confirm);

    expect(api.deleteInstance).toHaveBeenCalledWith('orders');
    await waitFor(() => expect(api.listInstances).toHaveBeenCalledTimes(2));
  });

  it('warns when the backend has no cluster to create instances on', async () => {
    const api = fakeApi({
      getHealth: jest.fn(async () => ({
        status: 'degraded' as const,
        version: '0.1.0',
        database: { status: 'ok' as const, client: 'pg' },
        kubernetes: { status: 'not-configured' as const },
        clusters: [],
      })),
    });
    await renderPage('/supacontrol', { api });

    expect(
      await screen.findByText(/no Kubernetes cluster configured/),
    ).toBeInTheDocument();
  });
});
