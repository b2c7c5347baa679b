import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useRef, useState } from 'react';
import { InstanceCredentials, supacontrolApiRef } from '../api';

/** What {@link useInstanceCredentials} holds for the instance it was last asked about. */
export interface InstanceCredentialsState {
  /** The credentials, once `load` has fetched them. */
  value?: InstanceCredentials;
  loading: boolean;
  error?: Error;
  /** Fetches the credentials on the first call; later calls share that request or its result. */
  load(): Promise<InstanceCredentials>;
}

/**
 * The keys and passwords of an instance, fetched only when `load` is called (a reveal or copy),
 * because every read is audited and puts secrets into the page. They are held in this
 * component's state and nowhere else, so leaving the page drops them; a failed read can be
 * retried by calling `load` again.
 */
export function useInstanceCredentials(name: string): InstanceCredentialsState {
  const api = useApi(supacontrolApiRef);
  const [state, setState] = useState<{
    name: string;
    value?: InstanceCredentials;
    loading: boolean;
    error?: Error;
  }>({ name, loading: false });
  // The request in flight or done, per instance, so that several clicks cause one read.
  const request = useRef<{
    name: string;
    promise: Promise<InstanceCredentials>;
  }>();

  const load = useCallback(() => {
    if (request.current?.name !== name) {
      const promise = api.getInstanceCredentials(name);
      request.current = { name, promise };
      setState({ name, loading: true });
      promise.then(
        value =>
          setState(s =>
            s.name === name ? { name, value, loading: false } : s,
          ),
        error => {
          // Forget the failed request so that the next click tries again.
          if (request.current?.promise === promise) request.current = undefined;
          setState(s =>
            s.name === name ? { name, loading: false, error } : s,
          );
        },
      );
    }
    return request.current!.promise;
  }, [api, name]);

  // Another instance on the same component (a route change): nothing of the previous one shows.
  if (state.name !== name) return { loading: false, load };
  return {
    value: state.value,
    loading: state.loading,
    error: state.error,
    load,
  };
}
