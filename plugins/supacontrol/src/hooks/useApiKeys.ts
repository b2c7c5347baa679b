import { useApi } from '@backstage/core-plugin-api';
import { useReloadableAsync } from './useReloadableAsync';
import { supacontrolApiRef } from '../api';

/** The signed-in user's API keys; `retry` reloads them after a change. */
export function useApiKeys() {
  const api = useApi(supacontrolApiRef);
  return useReloadableAsync(() => api.listApiKeys(), [api]);
}
