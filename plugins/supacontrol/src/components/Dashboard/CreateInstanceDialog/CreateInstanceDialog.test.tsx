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
});
