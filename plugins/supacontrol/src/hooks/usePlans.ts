import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { supacontrolApiRef } from '../api';

/** The plans a new instance can use. */
export function usePlans() {
  const api = useApi(supacontrolApiRef);
  return useAsync(() => api.listPlans(), [api]);
}

/** The chart versions an instance may be upgraded to. */
export function useChartVersions() {
  const api = useApi(supacontrolApiRef);
  return useAsync(() => api.getChartVersions(), [api]);
}
