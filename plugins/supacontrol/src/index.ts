/**
 * The SupaControl frontend plugin: self-service Supabase instances in the Backstage portal.
 *
 * The legacy-frontend-system plugin is the default export here; the new-frontend-system plugin is
 * the default export of `@supacontrol/plugin-supacontrol/alpha`.
 *
 * @packageDocumentation
 */

export {
  supacontrolPlugin as default,
  supacontrolPlugin,
  SupaControlPage,
} from './plugin';
export { supacontrolApiRef, SupaControlClient } from './api';
export type {
  InstanceCredentials,
  ListInstancesQuery,
  LogsQuery,
  SupaControlApi,
} from './api';
export {
  EntitySupabaseInstanceCard,
  EntitySupabaseInstanceContent,
  isSupabaseInstanceEntity,
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from './components/Entity';
