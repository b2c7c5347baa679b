import {
  Instance,
  InstanceStatus,
  TRANSITIONAL_STATUSES,
} from '@supacontrol/plugin-supacontrol-common';

/**
 * Statuses of an instance that is up and meant to be: the backend accepts a pause or a restart
 * only in these.
 */
export const ACTIVE_STATUSES: readonly InstanceStatus[] = [
  'Running',
  'Updating',
  'Degraded',
];

/** Whether the reconciler is still moving an instance in this status. */
export function isTransitional(status: InstanceStatus): boolean {
  return TRANSITIONAL_STATUSES.includes(status);
}

/**
 * Whether an instance is still on its way somewhere, so that pages keep polling it: a
 * transitional status, or one that does not match what was asked for yet (a pause or resume is
 * accepted before the reconciler moves the status off Running or Paused).
 */
export function isSettling(instance: Instance): boolean {
  if (isTransitional(instance.status)) return true;
  if (instance.status === 'Failed' || instance.status === 'Deleted') {
    return false;
  }
  return (
    (instance.desiredState === 'paused') !== (instance.status === 'Paused')
  );
}
