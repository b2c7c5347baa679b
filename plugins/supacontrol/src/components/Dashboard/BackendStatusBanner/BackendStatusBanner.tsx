import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useHealth } from '../../../hooks';

/**
 * A warning above the dashboard when the backend reports a problem that explains what the user
 * sees (no cluster, database down). Silent while loading, when healthy, and when the health
 * endpoint itself fails (the instance list shows that error).
 */
export const BackendStatusBanner = () => {
  const { value } = useHealth();
  if (!value) {
    return null;
  }
  const problems: string[] = [];
  if (value.database.status !== 'ok') {
    problems.push(
      `its database (${value.database.client}) does not answer: ${
        value.database.message ?? 'unknown error'
      }`,
    );
  }
  if (value.kubernetes?.status === 'not-configured') {
    problems.push(
      'it has no Kubernetes cluster configured, so instances can be listed but not created',
    );
  } else if (value.kubernetes?.status === 'error') {
    problems.push(
      `its Kubernetes cluster does not answer: ${
        value.kubernetes.message ?? 'unknown error'
      }`,
    );
  }
  if (problems.length === 0) {
    return null;
  }
  return (
    <Box mb={2}>
      <Alert severity="warning">
        <AlertTitle>SupaControl is degraded</AlertTitle>
        The SupaControl backend reports that {problems.join('; and ')}.
      </Alert>
    </Box>
  );
};
