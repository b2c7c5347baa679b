import {
  Breadcrumbs,
  Content,
  ContentHeader,
  Link,
  Progress,
} from '@backstage/core-components';
import { useRouteRef, useRouteRefParams } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import { useInstanceDetails } from '../../../hooks';
import { instanceRouteRef, rootRouteRef } from '../../../routes';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import { ClusterEventsCard } from '../ClusterEventsCard';
import { InstanceActions } from '../InstanceActions';
import { InstanceDetails } from '../InstanceDetails';
import { InstanceLogs } from '../InstanceLogs';
import { InstanceOperations } from '../InstanceOperations';

/** The page's tabs, by their `?tab=` value; the first is the default. */
const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'operations', label: 'Operations' },
  { id: 'logs', label: 'Logs' },
  { id: 'events', label: 'Cluster events' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/**
 * `/supacontrol/instances/:name`: actions in the header, and tabs for the overview (status,
 * conditions, components, how to connect, history), operations, logs and cluster events. Reloads
 * itself while the instance is changing. Only the open tab is mounted, so logs, events and
 * credentials are read only when someone looks at them.
 */
export const InstancePage = () => {
  const { name } = useRouteRefParams(instanceRouteRef);
  const rootLink = useRouteRef(rootRouteRef);
  const { value, error, retry } = useInstanceDetails(name);
  const [searchParams, setSearchParams] = useSearchParams();
  const tab: TabId =
    TABS.find(t => t.id === searchParams.get('tab'))?.id ?? TABS[0].id;

  let body: JSX.Element;
  if (error) {
    body = (
      <ErrorPanel
        error={error}
        what={`Could not load instance ${name}`}
        onRetry={retry}
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else {
    const { instance, events } = value;
    body = (
      <>
        <ContentHeader title={instance.name}>
          <InstanceActions instance={instance} onChanged={retry} />
        </ContentHeader>
        <Box mb={3}>
          <Tabs
            value={tab}
            onChange={(_e, next: TabId) =>
              setSearchParams(next === TABS[0].id ? {} : { tab: next }, {
                replace: true,
              })
            }
            indicatorColor="primary"
            textColor="primary"
            aria-label={`Sections of ${instance.name}`}
          >
            {TABS.map(t => (
              <Tab
                key={t.id}
                value={t.id}
                label={t.label}
                id={`supacontrol-tab-${t.id}`}
                aria-controls={`supacontrol-tabpanel-${t.id}`}
              />
            ))}
          </Tabs>
        </Box>
        <div
          role="tabpanel"
          id={`supacontrol-tabpanel-${tab}`}
          aria-labelledby={`supacontrol-tab-${tab}`}
        >
          {tab === 'overview' && (
            <InstanceDetails instance={instance} events={events} />
          )}
          {tab === 'operations' && (
            <InstanceOperations instance={instance} onChanged={retry} />
          )}
          {tab === 'logs' && <InstanceLogs name={instance.name} />}
          {tab === 'events' && <ClusterEventsCard name={instance.name} />}
        </div>
      </>
    );
  }

  return (
    <Content>
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={rootLink()}>Instances</Link>
          <Typography>{name}</Typography>
        </Breadcrumbs>
      </Box>
      {body}
    </Content>
  );
};
