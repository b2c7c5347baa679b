import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { InstanceCredentials, supacontrolApiRef } from '../api';

/**
 * The connection details of an instance. Nothing is requested until `enabled`, because every read
 * is audited and needs the credentials permission.
 */
export function useInstanceCredentials(name: string, enabled: boolean) {
  const api = useApi(supacontrolApiRef);
  return useAsync(
    async (): Promise<InstanceCredentials | undefined> =>
      enabled ? api.getInstanceCredentials(name) : undefined,
    [api, name, enabled],
  );
}
