import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { Instance } from '@internal/plugin-supacontrol-common';
import { Timestamp } from '../../Shared/Timestamp';
import { InstanceStatusSummary } from './InstanceStatusSummary';

/** Status, what it means, the last error and the instance's facts. */
export const InstanceOverview = (props: { instance: Instance }) => {
  const { instance } = props;
  const inSync = instance.observedGeneration >= instance.generation;
  return (
    <InfoCard title="Status">
      <InstanceStatusSummary instance={instance} />
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
