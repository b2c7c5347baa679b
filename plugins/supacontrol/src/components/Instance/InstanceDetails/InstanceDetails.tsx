import {
  Instance,
  InstanceEvent,
} from '@supacontrol/plugin-supacontrol-common';
import Grid from '@material-ui/core/Grid';
import { ComponentsCard } from '../ComponentsCard';
import { ConditionsTimeline } from '../ConditionsTimeline';
import { ConnectionPanel } from '../ConnectionPanel';
import { EventHistory } from '../EventHistory';
import { InstanceOverview } from '../InstanceOverview';

/**
 * Everything about one instance, as the instance page and the entity tab show it: overview, how
 * to connect, conditions, components and history.
 */
export const InstanceDetails = (props: {
  instance: Instance;
  events: InstanceEvent[];
}) => {
  const { instance, events } = props;
  return (
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
  );
};
