import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  INSTANCE_SIGNAL_CHANNEL,
  InstanceStatusSignal,
} from '@supacontrol/plugin-supacontrol-common';
import { useEffect, useRef } from 'react';

/** How often pages poll while the reconciler is still working, when signals are unavailable. */
export const AUTO_REFRESH_INTERVAL_MS = 5000;
/**
 * With signals, pages still look again this often while something is settling: signals reach
 * the instance's owner and creator, not every viewer (an admin looking at others' instances).
 */
export const SIGNALLED_REFRESH_INTERVAL_MS = 30_000;
/** Signals arriving together (a dashboard of settling instances) cause one reload. */
const SIGNAL_DEBOUNCE_MS = 200;
/** `localStorage` key that overrides `supacontrol.ui.polling` in one browser ('true'/'false'). */
export const POLLING_STORAGE_KEY = 'supacontrol.ui.polling';

function pollingInThisBrowser(): boolean | undefined {
  try {
    const value = globalThis.localStorage?.getItem(POLLING_STORAGE_KEY);
    return value === 'true' || value === 'false' ? value === 'true' : undefined;
  } catch {
    return undefined; // storage disabled
  }
}

/**
 * Keeps a page current. Each status change the backend pushes on the `supacontrol:instances`
 * signal channel (for `names`, or for any instance without them) reloads the page at once, settled
 * or not. While `active` (something is settling) the page also polls: every 5 s when signals are
 * unavailable, every 30 s when they are (a signal can be missed while the connection is down).
 * `supacontrol.ui.polling: false` turns polling off; `localStorage['supacontrol.ui.polling']`
 * ('true' or 'false') overrides that in one browser.
 */
export function useAutoRefresh(options: {
  active: boolean;
  refresh: () => void;
  /** Only signals about these instances reload the page; all of them when undefined. */
  names?: string[];
  intervalMs?: number;
}) {
  const { active, refresh, names } = options;
  const config = useApi(configApiRef);
  const polling =
    pollingInThisBrowser() ??
    config.getOptionalBoolean('supacontrol.ui.polling') ??
    true;
  const { lastSignal, isSignalsAvailable } = useSignal<InstanceStatusSignal>(
    INSTANCE_SIGNAL_CHANNEL,
  );
  const intervalMs =
    options.intervalMs ??
    (isSignalsAvailable
      ? SIGNALLED_REFRESH_INTERVAL_MS
      : AUTO_REFRESH_INTERVAL_MS);

  // The latest refresh without restarting the timer each time its identity changes.
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  }, [refresh]);

  const namesKey = names?.join('\u0000');
  useEffect(() => {
    if (!lastSignal) return undefined;
    if (
      namesKey !== undefined &&
      !namesKey.split('\u0000').includes(lastSignal.name)
    ) {
      return undefined;
    }
    const timer = setTimeout(() => refreshRef.current(), SIGNAL_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [lastSignal, namesKey]);

  useEffect(() => {
    if (!active || !polling) {
      return undefined;
    }
    const timer = setInterval(() => refreshRef.current(), intervalMs);
    return () => clearInterval(timer);
  }, [active, polling, intervalMs]);
}
