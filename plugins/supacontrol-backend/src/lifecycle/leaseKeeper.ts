import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InstanceLease,
  InstanceStore,
  LeaseLostError,
} from '../database/InstanceStore';

/** A lease being kept: `signal` aborts (with a {@link LeaseLostError}) once it is lost. */
export interface KeptLease {
  signal: AbortSignal;
  stop(): void;
}

/**
 * Renews the lease of an instance while a step works on it, a few times per lease. When a renewal
 * finds the lease gone (another replica took it, or it ran out by the database's clock), or no
 * renewal has succeeded for longer than the lease, the signal aborts: whatever the step runs with
 * it (helm) is killed at once, since another replica may already be doing the same work, and the
 * step's next write fails anyway (it is fenced by the same lease).
 */
export function keepLease(options: {
  store: InstanceStore;
  lease: InstanceLease;
  instance: string;
  leaseMs: number;
  logger: LoggerService;
}): KeptLease {
  const { store, lease, instance, leaseMs, logger } = options;
  const controller = new AbortController();
  // The local clock measures only how long renewals have failed; the lease itself is measured
  // by the database's clock.
  let renewedAt = performance.now();
  let renewing = false;
  const lose = (why: string) => {
    if (controller.signal.aborted) return;
    logger.warn(
      `Lost the lease of instance ${instance} (${why}); stopping its step and killing its helm process`,
      { instance },
    );
    controller.abort(
      new LeaseLostError(`The lease of instance ${instance} was lost: ${why}`),
    );
  };
  const timer = setInterval(() => {
    if (performance.now() - renewedAt > leaseMs) {
      lose('it could not be renewed for longer than the lease');
      return;
    }
    if (renewing) return;
    renewing = true;
    const sentAt = performance.now();
    store
      .renewLease(lease.id, lease.owner, leaseMs)
      .then(
        held => {
          if (held) renewedAt = sentAt;
          else lose('another replica took it, or it ran out');
        },
        error => {
          logger.warn(`Could not renew the lease of instance ${instance}`, {
            instance,
            error: String(error),
          });
        },
      )
      .finally(() => {
        renewing = false;
      });
  }, Math.max(100, leaseMs / 3));
  timer.unref?.();
  return {
    signal: controller.signal,
    stop: () => clearInterval(timer),
  };
}
