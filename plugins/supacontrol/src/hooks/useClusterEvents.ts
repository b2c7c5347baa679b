import { useApi } from '@backstage/core-plugin-api';
import { useReloadableAsync } from './useReloadableAsync';
import { supacontrolApiRef } from '../api';

/** Kubernetes events of an instance's namespace, Warnings first; `retry` reloads them. */
export function useClusterEvents(name: string) {
  const api = useApi(supacontrolApiRef);
  return useReloadableAsync(() => api.getClusterEvents(name), [api, name]);
}
