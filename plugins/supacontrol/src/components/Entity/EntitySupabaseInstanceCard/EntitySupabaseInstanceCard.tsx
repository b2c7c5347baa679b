import {
  InfoCard,
  Link,
  Progress,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  supacontrolInstanceCredentialsReadPermission,
} from '@supacontrol/plugin-supacontrol-common';
import Alert from '@material-ui/lab/Alert';
import { instanceRouteRef } from '../../../routes';
import { InstanceStatusSummary } from '../../Instance/InstanceOverview';
import { errorMessage } from '../../Shared/ErrorPanel';
import { Timestamp } from '../../Shared/Timestamp';
import {
  instanceNameOf,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from '../entityInstance';
import { useEntityInstance } from '../useEntityInstance';

const ExternalLink = (props: { url?: string }) =>
  props.url ? <Link to={props.url}>{props.url}</Link> : <>—</>;

/** Who may see the keys, without reading them: every read of credentials is audited. */
const CredentialsHint = (props: { instance: Instance }) => {
  const { allowed, loading } = usePermission({
    permission: supacontrolInstanceCredentialsReadPermission,
    resourceRef: props.instance.name,
  });
  if (loading) return <>…</>;
  return allowed ? (
    <>Keys and connection strings are on the Supabase tab</>
  ) : (
    <>You may not read its keys; ask its owner or a SupaControl admin</>
  );
};

const InstanceFacts = (props: { instance: Instance }) => {
  const { instance } = props;
  const ready = instance.components.filter(c => c.ready).length;
  return (
    <>
      <InstanceStatusSummary instance={instance} />
      <StructuredMetadataTable
        dense
        metadata={{
          plan: instance.plan,
          cluster: `${instance.cluster} (${instance.region})`,
          namespace: instance.namespace,
          components:
            instance.components.length > 0
              ? `${ready}/${instance.components.length} ready`
              : 'none yet',
          API: <ExternalLink url={instance.endpoints.api} />,
          Studio: <ExternalLink url={instance.endpoints.studio} />,
          credentials: <CredentialsHint instance={instance} />,
          updated: <Timestamp value={instance.updatedAt} />,
        }}
      />
    </>
  );
};

const CardBody = (props: { name: string }) => {
  const { value, error } = useEntityInstance(props.name);
  if (error) {
    return (
      <Alert severity="error">
        Could not load instance {props.name}: {errorMessage(error)}
      </Alert>
    );
  }
  if (!value) {
    return <Progress />;
  }
  return <InstanceFacts instance={value} />;
};

/**
 * Entity card for a SupaControl instance's Resource: its live status, component readiness and
 * links, read from SupaControl (and refreshed while the instance is changing).
 *
 * @public
 */
export const EntitySupabaseInstanceCard = () => {
  const { entity } = useEntity();
  const name = instanceNameOf(entity);
  const instanceLink = useRouteRef(instanceRouteRef);
  if (!name) {
    return (
      <MissingAnnotationEmptyState
        annotation={SUPACONTROL_INSTANCE_ANNOTATION}
      />
    );
  }
  return (
    <InfoCard
      title="Supabase instance"
      deepLink={{
        title: 'Open in SupaControl',
        link: instanceLink({ name }),
      }}
    >
      <CardBody name={name} />
    </InfoCard>
  );
};
