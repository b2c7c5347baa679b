import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { Instance } from '@internal/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  InstanceStatusChip,
  STATUS_DESCRIPTIONS,
} from '../../Shared/InstanceStatusChip';
import { Timestamp } from '../../Shared/Timestamp';

/** Status, what it means, the last error and the instance's facts. */
export const InstanceOverview = (props: { instance: Instance }) => {
  const { instance } = props;
  const inSync = instance.observedGeneration >= instance.generation;
  return (
    <InfoCard title="Status">
      <Box display="flex" alignItems="center" gridGap={12} mb={2}>
        <InstanceStatusChip status={instance.status} size="medium" />
        <Typography variant="body2" color="textSecondary">
          {STATUS_DESCRIPTIONS[instance.status]}
        </Typography>
      </Box>
      {instance.lastError && (
        <Box mb={2}>
          <Alert severity={instance.status === 'Failed' ? 'error' : 'warning'}>
            {instance.lastError}
          </Alert>
        </Box>
      )}
      <StructuredMetadataTable
        dense
        metadata={{
          owner: instance.owner,
          'created by': instance.createdBy,
          plan: instance.plan,
          namespace: instance.namespace,
          chart: `${instance.chart.name} ${instance.chart.version}`,
          'desired state': instance.desiredState,
          generation: inSync
            ? `${instance.generation} (applied)`
            : `${instance.generation} (applied: ${instance.observedGeneration})`,
          created: <Timestamp value={instance.createdAt} />,
          updated: <Timestamp value={instance.updatedAt} />,
        }}
      />
    </InfoCard>
  );
};
