import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HealthResponse } from '@internal/plugin-supacontrol-common';
import { SupaControlApi, supacontrolApiRef } from '../../api';
import { SupaControlPage } from './SupaControlPage';

function renderPage(api: Partial<SupaControlApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[supacontrolApiRef, api]]}>
      <SupaControlPage />
    </TestApiProvider>,
  );
}

const healthy: HealthResponse = {
  status: 'ok',
  version: '0.1.0',
  database: { status: 'ok', client: 'better-sqlite3' },
};

describe('SupaControlPage', () => {
  it('shows the header and the backend status from the health endpoint', async () => {
    await renderPage({ getHealth: async () => healthy });

    expect(
      screen.getByRole('heading', { name: 'SupaControl' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByText('0.1.0')).toBeInTheDocument();
    expect(screen.getByText('connected (better-sqlite3)')).toBeInTheDocument();
  });

  it('shows a progress bar while the status loads', async () => {
    await renderPage({ getHealth: () => new Promise(() => {}) });

    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows why the database is degraded', async () => {
    await renderPage({
      getHealth: async () => ({
        status: 'degraded',
        version: '0.1.0',
        database: {
          status: 'error',
          client: 'pg',
          message: 'connection refused',
        },
      }),
    });

    expect(await screen.findByText('degraded')).toBeInTheDocument();
    expect(screen.getByText('pg: connection refused')).toBeInTheDocument();
  });

  it('shows an error panel when the backend does not answer', async () => {
    await renderPage({
      getHealth: async () => {
        throw new Error('Failed to fetch');
      },
    });

    expect(
      await screen.findByText(/SupaControl backend did not answer/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Failed to fetch/).length).toBeGreaterThan(0);
  });
});
