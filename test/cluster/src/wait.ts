export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called before each probe; a returned message aborts the wait with it. */
  abortIf?: () => string | undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined. Errors thrown
 * by the probe count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let lastError = '';
  for (;;) {
    const abort = options.abortIf?.();
    if (abort) throw new Error(`${what}: ${abort}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = '';
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${Math.round(
          options.timeoutMs / 1000,
        )} s waiting for ${what}${
          lastError ? ` (last error: ${lastError})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, interval));
  }
}
