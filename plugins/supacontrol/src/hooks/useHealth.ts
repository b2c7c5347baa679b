import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { supacontrolApiRef } from '../api';

/** Loads the backend's health once; `retry` loads it again. */
export function useHealth() {
  const api = useApi(supacontrolApiRef);
  return useAsyncRetry(() => api.getHealth(), [api]);
}
