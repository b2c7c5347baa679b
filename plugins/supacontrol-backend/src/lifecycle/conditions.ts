import { InstanceCondition } from '@supacontrol/plugin-supacontrol-common';

/**
 * Sets a condition in the Kubernetes way: `lastTransitionTime` changes only when the status does.
 * Returns a new list; the input is not modified.
 */
export function setCondition(
  conditions: InstanceCondition[],
  update: Omit<InstanceCondition, 'lastTransitionTime'>,
  now = new Date(),
): InstanceCondition[] {
  const previous = conditions.find(c => c.type === update.type);
  const next: InstanceCondition = {
    ...update,
    lastTransitionTime:
      previous && previous.status === update.status
        ? previous.lastTransitionTime
        : now.toISOString(),
  };
  return [...conditions.filter(c => c.type !== update.type), next];
}

export function removeCondition(
  conditions: InstanceCondition[],
  type: string,
): InstanceCondition[] {
  return conditions.filter(c => c.type !== type);
}
