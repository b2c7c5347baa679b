import { Progress } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { useInstanceDetails } from '../../../hooks';
import { ComponentsCard } from '../../Instance/ComponentsCard';
import { ConditionsTimeline } from '../../Instance/ConditionsTimeline';
import { ConnectionPanel } from '../../Instance/ConnectionPanel';
import { EventHistory } from '../../Instance/EventHistory';
import { InstanceActions } from '../../Instance/InstanceActions';
import { InstanceOverview } from '../../Instance/InstanceOverview';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import {
  instanceNameOf,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from '../entityInstance';

const Details = (props: { name: string }) => {
  const { name } = props;
  const { value, error, retry } = useInstanceDetails(name);
  if (error) {
    return (
      <ErrorPanel
        error={error}
        what={`Could not load instance ${name}`}
        onRetry={retry}
      />
    );
  }
  if (!value) {
    return <Progress />;
  }
  const { instance, events } = value;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" justifyContent="flex-end">
          <InstanceActions instance={instance} onChanged={retry} />
        </Box>
      </Grid>
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

/**
 * Entity page tab for a SupaControl instance's Resource: status, conditions, components, how to
 * connect (keys and passwords only with `supacontrol.instance.credentials.read`), history, and
 * retry/delete for those allowed.
 *
 * @public
 */
export const EntitySupabaseInstanceContent = () => {
  const { entity } = useEntity();
  const name = instanceNameOf(entity);
  if (!name) {
    return (
      <MissingAnnotationEmptyState
        annotation={SUPACONTROL_INSTANCE_ANNOTATION}
      />
    );
  }
  return <Details name={name} />;
};
