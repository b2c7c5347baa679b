import { FlatRoutes } from '@backstage/core-app-api';
import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route } from 'react-router-dom';
import { supacontrolApiRef } from '../../api';
import { SupaControlPage, supacontrolPlugin } from '../../plugin';
import { fakeApi, fakeInstance } from '../../__testUtils__/fakes';
import { FreshPermissionCache } from '../../__testUtils__/renderPage';

function renderLegacyApp(path: string) {
  const api = fakeApi({
    listInstances: jest.fn(async () => ({
      items: [fakeInstance({ name: 'orders' })],
      totalCount: 1,
    })),
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [supacontrolApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [identityApiRef, mockApis.identity()],
      ]}
    >
      <FreshPermissionCache>
        <FlatRoutes>
          <Route path="/supacontrol" element={<SupaControlPage />} />
        </FlatRoutes>
      </FreshPermissionCache>
    </TestApiProvider>,
    { routeEntries: [path] },
  );
}

describe('the legacy SupaControl plugin', () => {
  it('is the plugin supacontrol with the three routes', () => {
    expect(supacontrolPlugin.getId()).toBe('supacontrol');
    expect(Object.keys(supacontrolPlugin.routes).sort()).toEqual([
      'instance',
      'root',
      'settings',
    ]);
  });

  it('renders the dashboard under its header and navigates to an instance and to settings', async () => {
    await renderLegacyApp('/supacontrol');

    expect(
      await screen.findByRole('heading', { name: 'SupaControl' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Instances (1)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'orders' }));
    expect(
      await screen.findByRole('heading', { name: 'orders' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Event history')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'Instances' }));
    await userEvent.click(
      await screen.findByRole('button', { name: /API keys & status/ }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Settings' }),
    ).toBeInTheDocument();
    expect(await screen.findByText(/No API keys yet/)).toBeInTheDocument();
  });

  it('opens an instance page from its URL', async () => {
    await renderLegacyApp('/supacontrol/instances/orders');

    expect(
      await screen.findByRole('heading', { name: 'orders' }),
    ).toBeInTheDocument();
  });
});
