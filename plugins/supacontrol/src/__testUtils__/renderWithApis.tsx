import { AlertApi, alertApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReactElement } from 'react';
import { SupaControlApi, supacontrolApiRef } from '../api';
import {
  FakePermissions,
  fakePermissionApi,
  FreshPermissionCache,
} from './renderPage';

/** An `AlertApi` that records what the component posts. */
export function fakeAlertApi(): jest.Mocked<AlertApi> {
  return {
    post: jest.fn(),
    alert$: jest.fn(),
  } as unknown as jest.Mocked<AlertApi>;
}

/**
 * Renders one component in a legacy test app with a fake SupaControl API, permission decisions
 * and an alert API whose posts a test can read.
 */
export function renderWithApis(
  element: ReactElement,
  options: {
    api: SupaControlApi;
    permissions?: FakePermissions;
    alertApi?: AlertApi;
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [supacontrolApiRef, options.api],
        [permissionApiRef, fakePermissionApi(options.permissions)],
        [alertApiRef, options.alertApi ?? fakeAlertApi()],
      ]}
    >
      <FreshPermissionCache>{element}</FreshPermissionCache>
    </TestApiProvider>,
  );
}
