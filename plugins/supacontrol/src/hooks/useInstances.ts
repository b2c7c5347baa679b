import { useApi } from '@backstage/core-plugin-api';
import { useReloadableAsync } from './useReloadableAsync';
import { ListInstancesQuery, supacontrolApiRef } from '../api';
import { isSettling } from './isTransitional';
import { useAutoRefresh } from './useAutoRefresh';

/**
 * One page of instances. While any instance on it is transitional the page reloads itself; the
 * previous `value` stays in place during a reload, so tables do not flicker.
 */
export function useInstances(query: ListInstancesQuery) {
  const api = useApi(supacontrolApiRef);
  const { limit, cursor, owner, status, cluster, region } = query;
  const state = useReloadableAsync(
    () => api.listInstances({ limit, cursor, owner, status, cluster, region }),
    [api, limit, cursor, owner, status, cluster, region],
  );
  useAutoRefresh({
    active:
      !state.loading &&
      !!state.value?.items.some(instance => isSettling(instance)),
    refresh: state.retry,
  });
  return state;
}
