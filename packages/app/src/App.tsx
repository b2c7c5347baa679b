import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import supacontrolPlugin from '@supacontrol/plugin-supacontrol/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    // Notifications (SupaControl tells owners about their instances) and Signals (status
    // changes pushed to open pages, so that they need not poll).
    notificationsPlugin,
    signalsPlugin,
    supacontrolPlugin,
    navModule,
    signInModule,
  ],
});
