import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import supacontrolPlugin from '@supacontrol/plugin-supacontrol/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, supacontrolPlugin, navModule, signInModule],
});
