import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { supacontrolApiRef } from '../api';

/**
 * The clusters instances can be placed on. Nothing is asked while `active` is false, so a closed
 * dialog does not load them and an opened one sees the counts of that moment.
 */
export function useClusters(options: { active?: boolean } = {}) {
  const { active = true } = options;
  const api = useApi(supacontrolApiRef);
  return useAsync(
    async () => (active ? api.listClusters() : undefined),
    [api, active],
  );
}
