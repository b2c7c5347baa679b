import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReactElement } from 'react';
import { SupaControlApi, supacontrolApiRef } from '../../../api';
import { rootRouteRef } from '../../../routes';
import {
  FakePermissions,
  fakePermissionApi,
  FreshPermissionCache,
} from '../../../__testUtils__/renderPage';

/** The Resource the SupaControl catalog provider publishes for an instance. */
export function instanceResource(
  name: string,
  overrides: { annotations?: Record<string, string> } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: overrides.annotations ?? {
        'supacontrol.io/instance': name,
      },
    },
    spec: { type: 'supabase-instance', owner: 'user:default/guest' },
  };
}

/** Renders an entity card or tab for `entity` in a legacy test app with fake APIs. */
export function renderForEntity(
  element: ReactElement,
  options: {
    entity: Entity;
    api: SupaControlApi;
    permissions?: FakePermissions;
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [supacontrolApiRef, options.api],
        [permissionApiRef, fakePermissionApi(options.permissions)],
      ]}
    >
      <FreshPermissionCache>
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      </FreshPermissionCache>
    </TestApiProvider>,
    { mountedRoutes: { '/supacontrol': rootRouteRef } },
  );
}
