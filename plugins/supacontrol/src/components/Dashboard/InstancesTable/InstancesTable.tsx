import { Link, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  Instance,
  supacontrolInstanceDeletePermission,
} from '@supacontrol/plugin-supacontrol-common';
import { usePermission } from '@backstage/plugin-permission-react';
import DeleteIcon from '@material-ui/icons/Delete';
import { useMemo } from 'react';
import { instanceRouteRef } from '../../../routes';
import { InstanceStatusChip } from '../../Shared/InstanceStatusChip';
import { PlainTable } from '../../Shared/PlainTable';
import { RowAction } from '../../Shared/RowAction';
import { Timestamp } from '../../Shared/Timestamp';

/** `ready/total` of an instance's components, or a dash before there are any. */
function componentsReady(instance: Instance): string {
  const { components } = instance;
  if (components.length === 0) {
    return '—';
  }
  return `${components.filter(c => c.ready).length}/${components.length}`;
}

const DeleteButton = (props: {
  instance: Instance;
  onDelete: (instance: Instance) => void;
}) => {
  const { instance, onDelete } = props;
  const { allowed } = usePermission({
    permission: supacontrolInstanceDeletePermission,
    resourceRef: instance.name,
  });
  if (
    !allowed ||
    instance.status === 'Deleting' ||
    instance.status === 'Deleted'
  ) {
    return null;
  }
  return (
    <RowAction
      label={`Delete ${instance.name}`}
      icon={<DeleteIcon fontSize="small" />}
      onClick={() => onDelete(instance)}
    />
  );
};

const InstanceLink = (props: { name: string }) => {
  const instanceLink = useRouteRef(instanceRouteRef);
  return <Link to={instanceLink({ name: props.name })}>{props.name}</Link>;
};

/** The dashboard's table of instances, one page of them. */
export const InstancesTable = (props: {
  instances: Instance[];
  title: string;
  emptyContent?: JSX.Element;
  onDelete: (instance: Instance) => void;
}) => {
  const { instances, title, emptyContent, onDelete } = props;
  const columns = useMemo<TableColumn<Instance>[]>(
    () => [
      {
        title: 'Name',
        field: 'name',
        highlight: true,
        cellStyle: { whiteSpace: 'nowrap' },
        render: row => <InstanceLink name={row.name} />,
      },
      {
        title: 'Status',
        field: 'status',
        cellStyle: { whiteSpace: 'nowrap' },
        render: row => <InstanceStatusChip status={row.status} />,
      },
      {
        title: 'Components ready',
        render: row => componentsReady(row),
      },
      { title: 'Owner', field: 'owner' },
      { title: 'Plan', field: 'plan' },
      { title: 'Cluster', field: 'cluster' },
      { title: 'Region', field: 'region' },
      {
        title: 'Created',
        field: 'createdAt',
        render: row => <Timestamp value={row.createdAt} />,
      },
      {
        title: 'Actions',
        align: 'right',
        render: row => <DeleteButton instance={row} onDelete={onDelete} />,
      },
    ],
    [onDelete],
  );
  return (
    <PlainTable
      title={title}
      columns={columns}
      rows={instances}
      emptyContent={emptyContent}
    />
  );
};
