import { useApi } from '@backstage/core-plugin-api';
import { supacontrolApiRef } from '../../api';
import { isSettling } from '../../hooks';
import { useAutoRefresh } from '../../hooks/useAutoRefresh';
import { useReloadableAsync } from '../../hooks/useReloadableAsync';

/** The instance named by an entity's annotation, reloaded while it is changing. */
export function useEntityInstance(name: string) {
  const api = useApi(supacontrolApiRef);
  const state = useReloadableAsync(() => api.getInstance(name), [api, name]);
  useAutoRefresh({
    active: !state.loading && !!state.value && isSettling(state.value),
    refresh: state.retry,
    names: [name],
  });
  return state;
}
