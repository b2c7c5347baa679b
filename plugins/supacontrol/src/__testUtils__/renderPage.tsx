import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReactNode } from 'react';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { SupaControlApi, supacontrolApiRef } from '../api';
import { SupaControlRouter } from '../components/Router';
import { rootRouteRef } from '../routes';

/** Permission decisions for a test: everything, nothing, or per permission name. */
export type FakePermissions =
  | 'allow'
  | 'deny'
  | ((permissionName: string) => boolean);

export function fakePermissionApi(permissions: FakePermissions = 'allow') {
  return mockApis.permission({
    authorize: request => {
      const allowed =
        typeof permissions === 'function'
          ? permissions(request.permission.name)
          : permissions === 'allow';
      return allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
    },
  });
}

/**
 * A fresh cache for `usePermission`, which keeps decisions in SWR's global cache: without it a
 * decision from one test would leak into the next.
 */
export const FreshPermissionCache = (props: { children: ReactNode }) => (
  <SWRConfig value={{ provider: () => new Map() }}>{props.children}</SWRConfig>
);

/**
 * Renders the plugin's router at `/supacontrol/*` of a legacy test app, at `path`, with a fake
 * SupaControl API, permission decisions and a signed-in guest in a team.
 */
export function renderPage(
  path: string,
  options: { api: SupaControlApi; permissions?: FakePermissions },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [supacontrolApiRef, options.api],
        [permissionApiRef, fakePermissionApi(options.permissions)],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: ['user:default/guest', 'group:default/team-a'],
          }),
        ],
      ]}
    >
      <FreshPermissionCache>
        <Routes>
          <Route path="/supacontrol/*" element={<SupaControlRouter />} />
        </Routes>
      </FreshPermissionCache>
    </TestApiProvider>,
    {
      mountedRoutes: { '/supacontrol': rootRouteRef },
      routeEntries: [path],
    },
  );
}
