import {
  Content,
  ContentHeader,
  EmptyState,
  LinkButton,
  Progress,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  supacontrolInstanceCreatePermission,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import SettingsIcon from '@material-ui/icons/Settings';
import { useCallback, useMemo, useState } from 'react';
import { useClusters, useInstances } from '../../../hooks';
import { settingsRouteRef } from '../../../routes';
import { DeleteInstanceDialog } from '../../Instance/DeleteInstanceDialog';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import { BackendStatusBanner } from '../BackendStatusBanner';
import { CreateInstanceDialog } from '../CreateInstanceDialog';
import { InstanceFilters, InstanceFilterValues } from '../InstanceFilters';
import { InstancePager } from '../InstancePager';
import { InstancesTable } from '../InstancesTable';

/** Instances per page; the backend accepts 1–100. */
const PAGE_SIZE = 20;

function matches(instance: Instance, search: string): boolean {
  const needle = search.trim().toLocaleLowerCase();
  return (
    needle === '' ||
    [instance.name, instance.owner, instance.plan].some(field =>
      field.toLocaleLowerCase().includes(needle),
    )
  );
}

/**
 * `/supacontrol`: the instances the user may see, with filters, cursor paging, create and delete.
 * Reloads itself while any instance on the page is still changing.
 */
export const DashboardPage = () => {
  const alertApi = useApi(alertApiRef);
  const settingsLink = useRouteRef(settingsRouteRef);
  const [filters, setFilters] = useState<InstanceFilterValues>({
    owner: '',
    search: '',
  });
  // Cursors of the pages visited so far; the last one is the page shown.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Instance>();

  const { value, error, retry } = useInstances({
    limit: PAGE_SIZE,
    cursor: cursors[cursors.length - 1],
    status: filters.status,
    owner: filters.owner || undefined,
    cluster: filters.cluster,
    region: filters.region,
  });
  const clusters = useClusters();
  const { allowed: canCreate } = usePermission({
    permission: supacontrolInstanceCreatePermission,
  });

  const changeFilters = (next: InstanceFilterValues) => {
    if (
      next.status !== filters.status ||
      next.owner !== filters.owner ||
      next.cluster !== filters.cluster ||
      next.region !== filters.region
    ) {
      setCursors([undefined]);
    }
    setFilters(next);
  };
  const onDelete = useCallback(
    (instance: Instance) => setDeleting(instance),
    [],
  );
  const shown = useMemo(
    () => (value?.items ?? []).filter(i => matches(i, filters.search)),
    [value, filters.search],
  );

  const filtered =
    !!filters.status ||
    !!filters.owner ||
    !!filters.cluster ||
    !!filters.region;
  const createButton = canCreate ? (
    <Button
      variant="contained"
      color="primary"
      startIcon={<AddIcon />}
      onClick={() => setCreating(true)}
    >
      Create instance
    </Button>
  ) : null;

  let body: JSX.Element;
  if (error) {
    body = (
      <ErrorPanel
        error={error}
        what="Could not load instances"
        onRetry={retry}
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.totalCount === 0 && !filtered) {
    body = (
      <EmptyState
        missing="data"
        title="No Supabase instances yet"
        description={
          <>
            An instance is a complete Supabase stack (Postgres, Auth, REST,
            Realtime, Storage and Studio) in its own Kubernetes namespace, owned
            by you or your team. Create one for a feature branch, a prototype or
            a service, and delete it when you are done.
            {!canCreate && (
              <Typography variant="body2" component="span" display="block">
                You are not allowed to create instances; ask a SupaControl admin
                for access.
              </Typography>
            )}
          </>
        }
        action={createButton ?? undefined}
      />
    );
  } else {
    body = (
      <>
        <InstanceFilters
          value={filters}
          clusters={clusters.value}
          onChange={changeFilters}
        />
        <InstancesTable
          title={`Instances (${value.totalCount})`}
          instances={shown}
          onDelete={onDelete}
          emptyContent={
            <Box p={3}>
              <Typography align="center">
                No instances match these filters.
              </Typography>
            </Box>
          }
        />
        <InstancePager
          offset={(cursors.length - 1) * PAGE_SIZE}
          count={value.items.length}
          totalCount={value.totalCount}
          hasPrevious={cursors.length > 1}
          hasNext={!!value.nextCursor}
          onPrevious={() => setCursors(c => c.slice(0, -1))}
          onNext={() => setCursors(c => [...c, value.nextCursor])}
        />
      </>
    );
  }

  return (
    <Content>
      <ContentHeader title="Supabase instances">
        <Box display="flex" gridGap={8}>
          {value && value.totalCount > 0 && createButton}
          <LinkButton
            to={settingsLink()}
            variant="outlined"
            startIcon={<SettingsIcon />}
          >
            API keys &amp; status
          </LinkButton>
        </Box>
      </ContentHeader>
      <BackendStatusBanner />
      {body}
      <CreateInstanceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={instance => {
          setCreating(false);
          alertApi.post({
            message: `Instance ${instance.name} requested; it is ${instance.status}.`,
            severity: 'success',
            display: 'transient',
          });
          retry();
        }}
      />
      <DeleteInstanceDialog
        name={deleting?.name}
        onClose={() => setDeleting(undefined)}
        onDeleted={retry}
      />
    </Content>
  );
};
