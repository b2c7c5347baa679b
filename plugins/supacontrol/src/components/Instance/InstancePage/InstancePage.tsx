import {
  Breadcrumbs,
  Content,
  ContentHeader,
  Link,
  Progress,
} from '@backstage/core-components';
import { useRouteRef, useRouteRefParams } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useInstanceDetails } from '../../../hooks';
import { instanceRouteRef, rootRouteRef } from '../../../routes';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import { ComponentsCard } from '../ComponentsCard';
import { ConditionsTimeline } from '../ConditionsTimeline';
import { ConnectionPanel } from '../ConnectionPanel';
import { EventHistory } from '../EventHistory';
import { InstanceActions } from '../InstanceActions';
import { InstanceOverview } from '../InstanceOverview';

/**
 * `/supacontrol/instances/:name`: status, conditions, components, how to connect, history and
 * actions of one instance. Reloads itself while the instance is changing.
 */
export const InstancePage = () => {
  const { name } = useRouteRefParams(instanceRouteRef);
  const rootLink = useRouteRef(rootRouteRef);
  const { value, error, retry } = useInstanceDetails(name);

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
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <InstanceOverview instance={instance} />
          </Grid>
          <Grid item xs={12} md={6}>
            <ConnectionPanel instance={instance} />
          </Grid>
          <Grid item xs={12} md={6}>
            <ConditionsTimeline conditions={instance.conditions} />
          </Grid>
          <Grid item xs={12} md={6}>
            <ComponentsCard components={instance.components} />
          </Grid>
          <Grid item xs={12}>
            <EventHistory events={events} />
          </Grid>
        </Grid>
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
