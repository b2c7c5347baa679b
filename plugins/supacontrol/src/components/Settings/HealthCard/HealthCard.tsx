import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { ClusterHealth } from '@supacontrol/plugin-supacontrol-common';
import Button from '@material-ui/core/Button';
import { useHealth } from '../../../hooks';

/** One cluster of the health answer: its place, whether it takes instances, whether it answers. */
const ClusterStatus = (props: { cluster: ClusterHealth }) => {
  const { cluster } = props;
  const text = `${cluster.name} (${cluster.region})${
    cluster.enabled ? '' : ', drained'
  }`;
  return cluster.status === 'ok' ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusError>
      {text}: {cluster.message ?? 'unreachable'}
    </StatusError>
  );
};

/** Shows whether the SupaControl backend, its database and its clusters answer. */
export const HealthCard = () => {
  const { value, loading, error, retry } = useHealth();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="SupaControl backend did not answer"
      />
    );
  }
  if (!value) {
    return null;
  }
  const database =
    value.database.status === 'ok' ? (
      <StatusOK>connected ({value.database.client})</StatusOK>
    ) : (
      <StatusError>
        {value.database.client}: {value.database.message}
      </StatusError>
    );
  const { kubernetes } = value;
  let cluster: JSX.Element;
  if (kubernetes.status === 'ok') {
    cluster = <StatusOK>connected</StatusOK>;
  } else if (kubernetes.status === 'not-configured') {
    cluster = (
      <StatusWarning>
        not configured: instances can be listed but not created
      </StatusWarning>
    );
  } else {
    cluster = <StatusError>{kubernetes.message ?? 'unreachable'}</StatusError>;
  }
  return (
    <InfoCard
      title="Backend status"
      action={
        <Button size="small" onClick={retry}>
          Refresh
        </Button>
      }
    >
      <StructuredMetadataTable
        metadata={{
          backend:
            value.status === 'ok' ? (
              <StatusOK>healthy</StatusOK>
            ) : (
              <StatusError>degraded</StatusError>
            ),
          version: value.version,
          database,
          kubernetes: cluster,
          // An older backend sends no cluster list.
          ...(value.clusters?.length
            ? {
                clusters: value.clusters.map(c => (
                  <ClusterStatus key={c.name} cluster={c} />
                )),
              }
            : {}),
        }}
      />
    </InfoCard>
  );
};
