export { supacontrolApiRef } from './SupaControlApi';
export type {
  InstanceCredentials,
  ListInstancesQuery,
  LogsQuery,
  SupaControlApi,
} from './SupaControlApi';
export { SupaControlClient } from './SupaControlClient';
