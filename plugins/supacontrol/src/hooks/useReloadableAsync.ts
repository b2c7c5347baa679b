import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` with a `retry` that always reloads, even while a load is running: the newest load
 * wins. (react-use's `useAsyncRetry` ignores a retry during a load, which would lose the refresh
 * after a create that races a background poll.) The previous `value` stays while reloading.
 */
export function useReloadableAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
) {
  const [attempt, setAttempt] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(fn, [...deps, attempt]);
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
