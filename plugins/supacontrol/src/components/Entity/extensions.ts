import { createComponentExtension } from '@backstage/core-plugin-api';
import { supacontrolPlugin } from '../../plugin';

/**
 * The entity card of a SupaControl instance's Resource, for entity pages of apps on the legacy
 * frontend system (new-system apps get it from `@supacontrol/plugin-supacontrol/alpha`). Needs the
 * SupaControl page mounted, for its "Open in SupaControl" link.
 *
 * @public
 */
export const EntitySupabaseInstanceCard = supacontrolPlugin.provide(
  createComponentExtension({
    name: 'EntitySupabaseInstanceCard',
    component: {
      lazy: () =>
        import('./EntitySupabaseInstanceCard').then(
          m => m.EntitySupabaseInstanceCard,
        ),
    },
  }),
);

/**
 * The entity page tab of a SupaControl instance's Resource, for apps on the legacy frontend
 * system.
 *
 * @public
 */
export const EntitySupabaseInstanceContent = supacontrolPlugin.provide(
  createComponentExtension({
    name: 'EntitySupabaseInstanceContent',
    component: {
      lazy: () =>
        import('./EntitySupabaseInstanceContent').then(
          m => m.EntitySupabaseInstanceContent,
        ),
    },
  }),
);
