import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  renderTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { supacontrolApiRef } from './api';
import { rootRouteRef } from './routes';
import plugin, { supacontrolPage } from './alpha';
import { fakeApi, fakeInstance } from './__testUtils__/fakes';
import { FreshPermissionCache } from './__testUtils__/renderPage';

const api = () =>
  fakeApi({
    listInstances: jest.fn(async () => ({
      items: [fakeInstance({ name: 'orders', status: 'Pending' })],
      totalCount: 1,
    })),
  });

describe('supacontrol plugin for the new frontend system', () => {
  it('is a frontend plugin with the id supacontrol and its three routes', () => {
    expect(plugin.id).toBe('supacontrol');
    expect(Object.keys(plugin.routes).sort()).toEqual([
      'instance',
      'root',
      'settings',
    ]);
  });

  it('renders the dashboard as the page extension', async () => {
    const tester = createExtensionTester(supacontrolPage);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [supacontrolApiRef, api()],
          [permissionApiRef, mockApis.permission()],
          [identityApiRef, mockApis.identity()],
        ]}
      >
        <FreshPermissionCache>{tester.reactElement()}</FreshPermissionCache>
      </TestApiProvider>,
      { mountedRoutes: { '/supacontrol': rootRouteRef } },
    );

    expect(await screen.findByText('Supabase instances')).toBeInTheDocument();
    expect(await screen.findByText('Instances (1)')).toBeInTheDocument();
    expect(screen.getByText('Pending')).toBeInTheDocument();
  });

  it('serves the dashboard, instance and settings pages in an app', async () => {
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/supacontrol'],
      apis: [
        [supacontrolApiRef, api()],
        mockApis.permission(),
        mockApis.identity(),
      ],
    });

    expect(await screen.findByText('Instances (1)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'orders' }));
    expect(
      await screen.findByRole('heading', { name: 'orders' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Instances' }));
    await userEvent.click(
      await screen.findByRole('button', { name: /API keys & status/ }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Settings' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Backend status')).toBeInTheDocument();
  });
});
