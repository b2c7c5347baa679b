import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { LogsQuery, supacontrolApiRef } from '../api';
import { useReloadableAsync } from './useReloadableAsync';

/** A followed log keeps this many lines; older ones scroll away, as in a terminal. */
export const MAX_FOLLOWED_LINES = 5000;

/** What {@link useInstanceLogs} shows. */
export interface InstanceLogsState {
  /** The log, lines separated by newlines; undefined until the first answer. */
  text?: string;
  loading: boolean;
  error?: Error;
  /** Reads the last lines again (not while following). */
  reload(): void;
}

/**
 * The log of one component of an instance: its last lines, read once (and on `reload`), or,
 * while `follow` is true, streamed line by line. The stream stops when `follow` turns false, the
 * query changes or the component unmounts.
 */
export function useInstanceLogs(
  name: string,
  query: LogsQuery,
  follow: boolean,
): InstanceLogsState {
  const api = useApi(supacontrolApiRef);
  const { component, tail, since } = query;

  const read = useReloadableAsync(
    async () =>
      follow ? undefined : api.readLogs(name, { component, tail, since }),
    [api, name, component, tail, since, follow],
  );

  const [followed, setFollowed] = useState<{
    lines: string[];
    error?: Error;
  }>({ lines: [] });
  useEffect(() => {
    if (!follow) return undefined;
    const controller = new AbortController();
    setFollowed({ lines: [] });
    api
      .followLogs(
        name,
        { component, tail, since },
        line =>
          setFollowed(f => ({
            ...f,
            lines:
              f.lines.length < MAX_FOLLOWED_LINES
                ? [...f.lines, line]
                : [...f.lines.slice(1 - MAX_FOLLOWED_LINES), line],
          })),
        controller.signal,
      )
      .catch(error => {
        if (!controller.signal.aborted) setFollowed(f => ({ ...f, error }));
      });
    return () => controller.abort();
  }, [api, name, component, tail, since, follow]);

  if (follow) {
    return {
      text: followed.lines.join('\n'),
      // The stream has no first answer to wait for: show what there is, even nothing.
      loading: false,
      error: followed.error,
      reload: () => {},
    };
  }
  return {
    text: read.value,
    loading: read.loading,
    error: read.error,
    reload: read.retry,
  };
}
