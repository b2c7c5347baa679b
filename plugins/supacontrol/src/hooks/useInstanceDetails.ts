import { useApi } from '@backstage/core-plugin-api';
import { useReloadableAsync } from './useReloadableAsync';
import { supacontrolApiRef } from '../api';
import { isSettling } from './isTransitional';
import { useAutoRefresh } from './useAutoRefresh';

/** An instance with its event history, reloaded while the instance is transitional. */
export function useInstanceDetails(name: string) {
  const api = useApi(supacontrolApiRef);
  const state = useReloadableAsync(async () => {
    const [instance, events] = await Promise.all([
      api.getInstance(name),
      api.listInstanceEvents(name),
    ]);
    return { instance, events };
  }, [api, name]);
  useAutoRefresh({
    active: !state.loading && !!state.value && isSettling(state.value.instance),
    refresh: state.retry,
    names: [name],
  });
  return state;
}
