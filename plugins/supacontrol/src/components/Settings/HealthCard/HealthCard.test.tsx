import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HealthResponse } from '@supacontrol/plugin-supacontrol-common';
import { SupaControlApi, supacontrolApiRef } from '../../../api';
import { fakeHealth } from '../../../__testUtils__/fakes';
import { HealthCard } from './HealthCard';

function renderCard(getHealth: SupaControlApi['getHealth']) {
  return renderInTestApp(
    <TestApiProvider apis={[[supacontrolApiRef, { getHealth }]]}>
      <HealthCard />
    </TestApiProvider>,
  );
}

describe('HealthCard', () => {
  it('shows the backend, database and cluster status', async () => {
    await renderCard(async () => fakeHealth);

    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByText('0.1.0')).toBeInTheDocument();
    expect(screen.getByText('connected (better-sqlite3)')).toBeInTheDocument();
    expect(screen.getByText('connected')).toBeInTheDocument();
    expect(screen.getByText('eu-1 (eu-west)')).toBeInTheDocument();
  });

  it('names each cluster that does not answer, and those drained', async () => {
    await renderCard(async () => ({
      ...fakeHealth,
      status: 'degraded',
      kubernetes: {
        status: 'error',
        message: "cluster 'us-1' does not answer",
      },
      clusters: [
        { name: 'eu-1', region: 'eu-west', enabled: false, status: 'ok' },
        {
          name: 'us-1',
          region: 'us-east',
          enabled: true,
          status: 'error',
          message: 'connect ECONNREFUSED',
        },
      ],
    }));

    expect(
      await screen.findByText('eu-1 (eu-west), drained'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('us-1 (us-east): connect ECONNREFUSED'),
    ).toBeInTheDocument();
  });

  it('shows a progress bar while the status loads', async () => {
    await renderCard(() => new Promise(() => {}));

    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows why the backend is degraded', async () => {
    const degraded: HealthResponse = {
      status: 'degraded',
      version: '0.1.0',
      database: {
        status: 'error',
        client: 'pg',
        message: 'connection refused',
      },
      kubernetes: { status: 'not-configured' },
      clusters: [],
    };
    await renderCard(async () => degraded);

    expect(await screen.findByText('degraded')).toBeInTheDocument();
    expect(screen.getByText('pg: connection refused')).toBeInTheDocument();
    expect(
      screen.getByText(
        'not configured: instances can be listed but not created',
      ),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the backend does not answer', async () => {
    await renderCard(async () => {
      throw new Error('Failed to fetch');
    });

    expect(
      await screen.findByText(/SupaControl backend did not answer/),
    ).toBeInTheDocument();
  });
});
