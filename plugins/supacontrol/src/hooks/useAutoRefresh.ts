import { useEffect, useRef } from 'react';

/** How often pages poll while the reconciler is still working on an instance. */
export const AUTO_REFRESH_INTERVAL_MS = 5000;

/**
 * Calls `refresh` every `intervalMs` while `active` is true, and stops as soon as it is false, so
 * that a settled dashboard sends no requests.
 */
export function useAutoRefresh(options: {
  active: boolean;
  refresh: () => void;
  intervalMs?: number;
}) {
  const { active, refresh, intervalMs = AUTO_REFRESH_INTERVAL_MS } = options;
  // The latest refresh without restarting the timer each time its identity changes.
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  }, [refresh]);

  useEffect(() => {
    if (!active) {
      return undefined;
    }
    const timer = setInterval(() => refreshRef.current(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}
