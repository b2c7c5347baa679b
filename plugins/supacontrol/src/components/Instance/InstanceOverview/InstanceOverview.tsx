import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { Timestamp } from '../../Shared/Timestamp';
import { InstanceStatusSummary } from './InstanceStatusSummary';

/**
 * How Auth confirms e-mail sign-ups. Without SMTP nothing can send a confirmation mail, so they
 * are confirmed automatically: users must know that any address can sign up unchecked.
 */
function mailSummary(mail: Instance['mail']): string {
  if (mail.smtp) {
    return mail.autoconfirm
      ? 'confirmed automatically (SMTP configured)'
      : 'confirmed by e-mail (SMTP configured)';
  }
  return 'confirmed automatically: no SMTP server is configured for this plan, so no e-mail is sent';
}

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
          cluster: instance.cluster,
          region: instance.region,
          namespace: instance.namespace,
          chart: `${instance.chart.name} ${instance.chart.version}`,
          'e-mail sign-up': mailSummary(instance.mail),
          'desired state': instance.desiredState,
          'deletion protection': instance.deletionProtection ? 'on' : 'off',
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
