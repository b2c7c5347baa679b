export { supacontrolApiRef } from './SupaControlApi';
export type {
  InstanceCredentials,
  ListInstancesQuery,
  SupaControlApi,
} from './SupaControlApi';
export { SupaControlClient } from './SupaControlClient';
