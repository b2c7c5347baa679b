import { TableColumn } from '@backstage/core-components';
import { InstanceEvent } from '@supacontrol/plugin-supacontrol-common';
import { useMemo } from 'react';
import { PlainTable } from '../../Shared/PlainTable';
import { Timestamp } from '../../Shared/Timestamp';

const columns: TableColumn<InstanceEvent>[] = [
  {
    title: 'When',
    field: 'createdAt',
    render: row => <Timestamp value={row.createdAt} />,
  },
  { title: 'Action', field: 'action' },
  {
    title: 'Status',
    render: row =>
      row.toStatus
        ? `${row.fromStatus ? `${row.fromStatus} → ` : ''}${row.toStatus}`
        : '—',
  },
  { title: 'By', field: 'actor' },
  { title: 'Message', field: 'message' },
];

/** Everything that happened to the instance, newest first. */
export const EventHistory = (props: { events: InstanceEvent[] }) => {
  const newestFirst = useMemo(
    () =>
      [...props.events].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [props.events],
  );
  return (
    <PlainTable
      title="Event history"
      columns={columns}
      rows={newestFirst}
      pageSize={10}
    />
  );
};
