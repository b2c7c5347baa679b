export { supacontrolApiRef } from './SupaControlApi';
export type { SupaControlApi } from './SupaControlApi';
export { SupaControlClient } from './SupaControlClient';
