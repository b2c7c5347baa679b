import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  fakeApi,
  fakeCredentials,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import {
  instanceResource,
  renderForEntity,
} from '../__testUtils__/renderForEntity';
import { EntitySupabaseInstanceContent } from './EntitySupabaseInstanceContent';

const running = fakeInstance({
  name: 'orders',
  status: 'Running',
  endpoints: { api: 'https://orders.supa.example.com' },
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'AllComponentsReady',
      message: 'Every component is ready',
      lastTransitionTime: '2025-01-01T10:04:00.000Z',
    },
  ],
});

describe('EntitySupabaseInstanceContent', () => {
  it('shows status, conditions, components, credentials and history of the instance', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderForEntity(<EntitySupabaseInstanceContent />, {
      entity: instanceResource('orders'),
      api,
    });

    expect(await screen.findByTestId('status-Running')).toBeInTheDocument();
    expect(screen.getByText('Ready: True')).toBeInTheDocument();
    expect(screen.getByText('Components')).toBeInTheDocument();
    expect(screen.getByText('Event history')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
    // The keys are read only when one is revealed.
    const anonKey = await screen.findByLabelText('anon key');
    expect(anonKey).not.toHaveTextContent(fakeCredentials.anonKey);
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Reveal anon key' }),
    );
    await waitFor(() =>
      expect(anonKey).toHaveTextContent(fakeCredentials.anonKey),
    );
    expect(api.getInstanceCredentials).toHaveBeenCalledTimes(1);
    expect(api.getInstanceCredentials).toHaveBeenCalledWith('orders');
  });

  it('reads no credentials and offers no actions without permission', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderForEntity(<EntitySupabaseInstanceContent />, {
      entity: instanceResource('orders'),
      api,
      permissions: 'deny',
    });

    expect(
      await screen.findByText(/You may not read this instance's keys/),
    ).toBeInTheDocument();
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('button', { name: 'Delete' }),
    ).not.toBeInTheDocument();
  });
});
