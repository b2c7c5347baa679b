import {
  InstanceStatus,
  TRANSITIONAL_STATUSES,
} from '@internal/plugin-supacontrol-common';

/** Whether the reconciler is still moving an instance in this status. */
export function isTransitional(status: InstanceStatus): boolean {
  return TRANSITIONAL_STATUSES.includes(status);
}
