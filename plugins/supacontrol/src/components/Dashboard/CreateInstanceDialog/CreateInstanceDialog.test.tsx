import { identityApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { validateInstanceName } from '@supacontrol/plugin-supacontrol-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SupaControlApi, supacontrolApiRef } from '../../../api';
import { backendError, fakeApi } from '../../../__testUtils__/fakes';
import { pasteInto } from '../../../__testUtils__/input';
import { CreateInstanceDialog } from './CreateInstanceDialog';

function renderDialog(api: SupaControlApi, onCreated = jest.fn()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [supacontrolApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: ['user:default/guest', 'group:default/team-a'],
          }),
        ],
      ]}
    >
      <CreateInstanceDialog open onClose={jest.fn()} onCreated={onCreated} />
    </TestApiProvider>,
  );
}

const nameField = () => screen.getByRole('textbox', { name: /Name/ });
const createButton = () => screen.getByRole('button', { name: 'Create' });
const placementSelect = () => screen.getByRole('button', { name: /Placement/ });

describe('CreateInstanceDialog', () => {
  it("refuses bad names as you type, with the backend's rule", async () => {
    await renderDialog(fakeApi());
    expect(createButton()).toBeDisabled();

    for (const bad of [
      'Orders',
      '1orders',
      'orders-',
      'a--b',
      'admin',
      'x'.repeat(41),
    ]) {
      await pasteInto(nameField(), bad);
      expect(
        screen.getByText(validateInstanceName(bad)!, { exact: true }),
      ).toBeInTheDocument();
      expect(createButton()).toBeDisabled();
    }

    await pasteInto(nameField(), 'orders-preview');
    expect(createButton()).toBeEnabled();
  });

  it('offers the plans of the backend with the default one selected', async () => {
    const api = fakeApi();
    const onCreated = jest.fn();
    await renderDialog(api, onCreated);

    const plan = await screen.findByRole('button', { name: /Plan/ });
    await waitFor(() => expect(plan).toHaveTextContent('small (default)'));
    expect(screen.getByText('0.5 CPU, 1 GiB, 5 GiB disk')).toBeInTheDocument();
    await userEvent.click(plan);
    await userEvent.click(screen.getByRole('option', { name: 'large' }));
    await userEvent.click(screen.getByRole('button', { name: /Owner/ }));
    await userEvent.click(
      screen.getByRole('option', { name: 'group:default/team-a' }),
    );
    await userEvent.type(nameField(), 'orders');
    await userEvent.click(createButton());

    expect(api.createInstance).toHaveBeenCalledWith({
      name: 'orders',
      plan: 'large',
      owner: 'group:default/team-a',
    });
    // "Any region" is the default and leaves the choice to the backend.
    expect(api.createInstance.mock.calls[0][0]).not.toHaveProperty('region');
    expect(api.createInstance.mock.calls[0][0]).not.toHaveProperty('cluster');
    await waitFor(() =>
      expect(onCreated).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'orders', status: 'Pending' }),
      ),
    );
  });

  it("shows the backend's 409 message and stays open", async () => {
    const conflict = await backendError(
      409,
      'ConflictError',
      "An instance named 'orders' exists; choose another name or delete it first",
    );
    const api = fakeApi({
      createInstance: jest.fn().mockRejectedValue(conflict),
    });
    const onCreated = jest.fn();
    await renderDialog(api, onCreated);

    await userEvent.type(nameField(), 'orders');
    await userEvent.click(createButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "An instance named 'orders' exists; choose another name or delete it first",
    );
    expect(alert).not.toHaveTextContent('Request failed');
    expect(onCreated).not.toHaveBeenCalled();
    expect(
      within(screen.getByRole('dialog')).getByRole('textbox', { name: /Name/ }),
    ).toHaveValue('orders');
  });

  it('still creates with the default plan when the plans cannot be loaded', async () => {
    const api = fakeApi({
      listPlans: jest.fn().mockRejectedValue(new Error('Failed to fetch')),
    });
    await renderDialog(api);

    expect(
      await screen.findByText(/Could not load the plans \(Failed to fetch\)/),
    ).toBeInTheDocument();
    await userEvent.type(nameField(), 'orders');
    await userEvent.click(createButton());
    expect(api.createInstance).toHaveBeenCalledWith({
      name: 'orders',
      plan: undefined,
      owner: undefined,
    });
  });

  it('asks for deletion protection only when the box is ticked', async () => {
    const api = fakeApi();
    await renderDialog(api);

    const protection = screen.getByRole('checkbox', {
      name: 'Deletion protection',
    });
    expect(protection).not.toBeChecked();
    await userEvent.click(protection);
    await userEvent.type(nameField(), 'orders');
    await userEvent.click(createButton());

    expect(api.createInstance).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'orders', deletionProtection: true }),
    );
  });

  describe('placement', () => {
    it('offers each region and cluster with its room, and sends the region chosen', async () => {
      const api = fakeApi();
      await renderDialog(api);

      await waitFor(() =>
        expect(placementSelect()).toHaveTextContent('Any region (most room)'),
      );
      await userEvent.click(placementSelect());
      expect(
        screen.getAllByRole('option').map(option => option.textContent),
      ).toEqual([
        'Any region (most room)',
        'Region eu-west: any cluster',
        'Region us-east: any cluster',
        'Cluster eu-1 (eu-west) — 3/20',
        'Cluster eu-2 (eu-west) — 5/5 (full)',
        'Cluster us-1 (us-east) — 7/∞ (drained)',
      ]);
      await userEvent.click(
        screen.getByRole('option', { name: 'Region eu-west: any cluster' }),
      );
      await userEvent.type(nameField(), 'orders');
      await userEvent.click(createButton());

      expect(api.createInstance).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'orders', region: 'eu-west' }),
      );
      expect(api.createInstance.mock.calls[0][0]).not.toHaveProperty('cluster');
    });

    it('sends the cluster chosen', async () => {
      const api = fakeApi();
      await renderDialog(api);

      await waitFor(() => expect(api.listClusters).toHaveBeenCalled());
      await userEvent.click(placementSelect());
      await userEvent.click(
        await screen.findByRole('option', { name: /^Cluster eu-1 / }),
      );
      await userEvent.type(nameField(), 'orders');
      await userEvent.click(createButton());

      expect(api.createInstance).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'orders', cluster: 'eu-1' }),
      );
      expect(api.createInstance.mock.calls[0][0]).not.toHaveProperty('region');
    });

    it('disables full and drained clusters, and regions where every cluster is', async () => {
      await renderDialog(fakeApi());

      await userEvent.click(placementSelect());
      const option = async (name: RegExp) =>
        screen.findByRole('option', { name });
      expect(await option(/^Cluster eu-2 .*full/)).toHaveAttribute(
        'aria-disabled',
        'true',
      );
      expect(await option(/^Cluster us-1 .*drained/)).toHaveAttribute(
        'aria-disabled',
        'true',
      );
      expect(await option(/^Region us-east/)).toHaveAttribute(
        'aria-disabled',
        'true',
      );
      expect(await option(/^Cluster eu-1 /)).not.toHaveAttribute(
        'aria-disabled',
        'true',
      );
      expect(await option(/^Region eu-west/)).not.toHaveAttribute(
        'aria-disabled',
        'true',
      );
    });

    it('lets the backend choose when the clusters cannot be loaded', async () => {
      const api = fakeApi({
        listClusters: jest.fn().mockRejectedValue(new Error('Failed to fetch')),
      });
      await renderDialog(api);

      expect(
        await screen.findByText(
          'Could not load the clusters (Failed to fetch); the backend chooses',
        ),
      ).toBeInTheDocument();
      // Not an alert: in this dialog alerts are refusals of the create.
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      expect(placementSelect()).toHaveTextContent('Any region (most room)');
      await userEvent.type(nameField(), 'orders');
      await userEvent.click(createButton());

      const request = api.createInstance.mock.calls[0][0];
      expect(request).toMatchObject({ name: 'orders' });
      expect(request).not.toHaveProperty('cluster');
      expect(request).not.toHaveProperty('region');
    });

    it('names the only cluster when there is one', async () => {
      const api = fakeApi({
        listClusters: jest.fn(async () => [
          {
            name: 'main',
            region: 'local',
            labels: {},
            enabled: true,
            instances: 0,
            status: 'reachable' as const,
          },
        ]),
      });
      await renderDialog(api);

      expect(
        await screen.findByText('There is one cluster, main (local)'),
      ).toBeInTheDocument();
      await userEvent.type(nameField(), 'orders');
      await userEvent.click(createButton());
      expect(api.createInstance.mock.calls[0][0]).not.toHaveProperty('cluster');
    });
  });
});
