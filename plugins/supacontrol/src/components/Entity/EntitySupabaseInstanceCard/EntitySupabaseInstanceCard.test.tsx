import { screen } from '@testing-library/react';
import {
  backendError,
  fakeApi,
  fakeInstance,
} from '../../../__testUtils__/fakes';
import {
  instanceResource,
  renderForEntity,
} from '../__testUtils__/renderForEntity';
import { EntitySupabaseInstanceCard } from './EntitySupabaseInstanceCard';

const running = fakeInstance({
  name: 'orders',
  status: 'Running',
  endpoints: {
    api: 'https://orders.supa.example.com',
    studio: 'https://studio-orders.supa.example.com',
  },
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
      replicas: 1,
    },
  ],
});

describe('EntitySupabaseInstanceCard', () => {
  it("shows the instance's live status, placement, components and links", async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders'),
      api,
    });

    expect(await screen.findByTestId('status-Running')).toBeInTheDocument();
    expect(api.getInstance).toHaveBeenCalledWith('orders');
    expect(screen.getByText('Supabase instance')).toBeInTheDocument();
    expect(screen.getByText('1/2 ready')).toBeInTheDocument();
    expect(screen.getByText('supa-orders')).toBeInTheDocument();
    expect(screen.getByText('eu-1 (eu-west)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /^https:\/\/orders\.supa\.example\.com/,
      }),
    ).toHaveAttribute('href', 'https://orders.supa.example.com');
    expect(
      screen.getByRole('link', {
        name: /^https:\/\/studio-orders\.supa\.example\.com/,
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in SupaControl/ }),
    ).toHaveAttribute('href', '/supacontrol/instances/orders');
  });

  it('says where the keys are, and reads none of them', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders'),
      api,
    });

    expect(
      await screen.findByText(
        'Keys and connection strings are on the Supabase tab',
      ),
    ).toBeInTheDocument();
    expect(api.getInstanceCredentials).not.toHaveBeenCalled();
  });

  it('tells a user without the credentials permission whom to ask', async () => {
    const api = fakeApi({ getInstance: jest.fn(async () => running) });
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders'),
      api,
      permissions: name => name !== 'supacontrol.instance.credentials.read',
    });

    expect(
      await screen.findByText(/You may not read its keys; ask its owner/),
    ).toBeInTheDocument();
  });

  it('shows the last error of a failed instance', async () => {
    const api = fakeApi({
      getInstance: jest.fn(async () =>
        fakeInstance({ status: 'Failed', lastError: 'helm timed out' }),
      ),
    });
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders'),
      api,
    });

    expect(await screen.findByText('helm timed out')).toBeInTheDocument();
    expect(screen.getByTestId('status-Failed')).toBeInTheDocument();
  });

  it("shows the backend's message when the instance cannot be read", async () => {
    const error = await backendError(
      404,
      'NotFoundError',
      "No instance named 'orders'",
    );
    const api = fakeApi({ getInstance: jest.fn().mockRejectedValue(error) });
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders'),
      api,
    });

    expect(
      await screen.findByText(
        "Could not load instance orders: No instance named 'orders'",
      ),
    ).toBeInTheDocument();
  });

  it('asks for the annotation on an entity without it', async () => {
    const api = fakeApi();
    await renderForEntity(<EntitySupabaseInstanceCard />, {
      entity: instanceResource('orders', { annotations: {} }),
      api,
    });

    expect(
      screen.getAllByText(/supacontrol\.io\/instance/).length,
    ).toBeGreaterThan(0);
    expect(api.getInstance).not.toHaveBeenCalled();
  });
});
