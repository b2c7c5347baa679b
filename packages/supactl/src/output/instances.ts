import {
  Instance,
  InstanceEvent,
} from '@supacontrol/plugin-supacontrol-common';
import { formatAge } from './age';
import { renderTable } from './table';

export function renderInstanceTable(items: Instance[], now: Date): string {
  return renderTable(
    ['NAME', 'STATUS', 'PLAN', 'CLUSTER', 'REGION', 'OWNER', 'AGE'],
    items.map(i => [
      i.name,
      i.status,
      i.plan,
      i.cluster,
      i.region,
      i.owner,
      formatAge(i.createdAt, now),
    ]),
  );
}

/** The most recent condition's message, which says what the reconciler is doing or waits for. */
export function latestConditionMessage(instance: Instance): string | undefined {
  const latest = [...instance.conditions].sort((a, b) =>
    b.lastTransitionTime.localeCompare(a.lastTransitionTime),
  )[0];
  return latest?.message || undefined;
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter(Boolean)
    .map(line => `  ${line}\n`)
    .join('');
}

/** `get`'s human-readable view: every field, conditions and components as tables. */
export function renderInstanceDetails(instance: Instance, now: Date): string {
  const fields: [string, string | undefined][] = [
    ['Name', instance.name],
    ['Status', instance.status],
    ['Desired state', instance.desiredState],
    ['Plan', instance.plan],
    ['Cluster', instance.cluster],
    ['Region', instance.region],
    ['Owner', instance.owner],
    ['Deletion protection', instance.deletionProtection ? 'on' : 'off'],
    ['Created by', instance.createdBy],
    ['Namespace', instance.namespace],
    ['Chart', `${instance.chart.name} ${instance.chart.version}`],
    ['Generation', `${instance.observedGeneration}/${instance.generation}`],
    ['API', instance.endpoints.api],
    ['Studio', instance.endpoints.studio],
    ['Last error', instance.lastError],
    [
      'Created',
      `${instance.createdAt} (${formatAge(instance.createdAt, now)} ago)`,
    ],
    ['Updated', instance.updatedAt],
    ['Deleted', instance.deletedAt],
  ];
  const shown = fields.filter(
    (field): field is [string, string] => field[1] !== undefined,
  );
  const width = Math.max(...shown.map(([label]) => label.length)) + 1;
  let text = shown
    .map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}\n`)
    .join('');
  text += 'Conditions:\n';
  text +=
    instance.conditions.length === 0
      ? '  (none yet)\n'
      : indent(
          renderTable(
            ['TYPE', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'],
            instance.conditions.map(c => [
              c.type,
              c.status,
              c.reason,
              formatAge(c.lastTransitionTime, now),
              c.message,
            ]),
          ),
        );
  text += 'Components:\n';
  text +=
    instance.components.length === 0
      ? '  (none yet)\n'
      : indent(
          renderTable(
            ['NAME', 'KIND', 'READY'],
            instance.components.map(c => [
              c.name,
              c.kind,
              `${c.readyReplicas}/${c.replicas}`,
            ]),
          ),
        );
  return text;
}

export function renderEventTable(items: InstanceEvent[]): string {
  return renderTable(
    ['TIME', 'ACTOR', 'ACTION', 'STATUS', 'MESSAGE'],
    items.map(e => [
      e.createdAt.replace(/\.\d+Z$/, 'Z'),
      e.actor,
      e.action,
      e.fromStatus || e.toStatus
        ? `${e.fromStatus ?? '-'} -> ${e.toStatus ?? '-'}`
        : '-',
      e.message,
    ]),
  );
}
