import { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';

/**
 * The one state machine of an instance: every status change, by the API or the reconciler, must
 * be listed here. The README shows the same table.
 *
 * | from | to | when |
 * |---|---|---|
 * | Pending | Provisioning | the reconciler starts the first step |
 * | Provisioning | Running | every component is Ready |
 * | Provisioning | Failed | a step failed `maxAttempts` times in a row |
 * | Running | Provisioning | drift: namespace, Secret or release missing or broken; repaired |
 * | Running | Updating | the generation changed (upgrade, plan change) |
 * | Updating | Running | every component is Ready again |
 * | Updating | Failed | the upgrade failed `maxAttempts` times |
 * | Updating | Degraded | a change to a Running instance was not ready within the progress deadline |
 * | Running | Degraded | not ready again for longer than the progress deadline |
 * | Degraded | Running / Updating | ready again / a new generation |
 * | Provisioning | Failed | not ready within the progress deadline (pods' reasons in `Progressing`) |
 * | Running, Updating | Paused / Paused → Updating | pause and resume (scale to zero and back) |
 * | Failed | Pending | `POST /v1/instances/:name/retry` |
 * | any but Deleted | Deleting | `DELETE /v1/instances/:name` |
 * | Deleting | Deleted | release, namespace and Secret are gone |
 * | Deleting | Failed | cleanup failed `maxAttempts` times; retry returns to Deleting |
 * | Failed | Deleting | retry of a failed deletion |
 */
export const TRANSITIONS: Readonly<
  Record<InstanceStatus, readonly InstanceStatus[]>
> = {
  Pending: ['Provisioning', 'Deleting'],
  Provisioning: ['Running', 'Failed', 'Deleting'],
  Running: ['Provisioning', 'Updating', 'Degraded', 'Paused', 'Deleting'],
  Updating: ['Running', 'Degraded', 'Failed', 'Paused', 'Deleting'],
  Degraded: ['Running', 'Updating', 'Paused', 'Deleting'],
  Paused: ['Updating', 'Deleting'],
  Failed: ['Pending', 'Deleting'],
  Deleting: ['Deleted', 'Failed'],
  Deleted: [],
};

/** Whether `from → to` is allowed; staying in a status is always allowed. */
export function canTransition(
  from: InstanceStatus,
  to: InstanceStatus,
): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Throws when `from → to` is not in {@link TRANSITIONS}: a bug, never a user error. */
export function assertTransition(
  from: InstanceStatus,
  to: InstanceStatus,
): void {
  if (!canTransition(from, to)) {
    throw new Error(`Illegal instance status transition ${from} → ${to}`);
  }
}
