import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import {
  discoveryApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { SignalClient } from '@backstage/plugin-signals';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import { signalApiRef } from '@backstage/plugin-signals-react';
import supacontrolPlugin from '@supacontrol/plugin-supacontrol/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

/**
 * The signals plugin with a longer connect timeout: its client gives up on a connection that is
 * not open within 1 s and retries only 5 s later, and a status change signalled meanwhile is lost
 * to the page (SupaControl's pages then wait for their next poll).
 */
const signals = signalsPlugin.withOverrides({
  extensions: [
    signalsPlugin.getExtension('api:signals').override({
      params: defineParams =>
        defineParams({
          api: signalApiRef,
          deps: { identity: identityApiRef, discoveryApi: discoveryApiRef },
          factory: ({ identity, discoveryApi }) =>
            SignalClient.create({
              identity,
              discoveryApi,
              connectTimeout: 10_000,
              reconnectTimeout: 2_000,
            }),
        }),
    }),
  ],
});

export default createApp({
  features: [
    catalogPlugin,
    // Notifications (SupaControl tells owners about their instances) and Signals (status
    // changes pushed to open pages, so that they need not poll).
    notificationsPlugin,
    signals,
    supacontrolPlugin,
    navModule,
    signInModule,
  ],
});
