import { Progress } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { useInstanceDetails } from '../../../hooks';
import { InstanceActions } from '../../Instance/InstanceActions';
import { InstanceDetails } from '../../Instance/InstanceDetails';
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
      <Grid item xs={12}>
        <InstanceDetails instance={instance} events={events} />
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
