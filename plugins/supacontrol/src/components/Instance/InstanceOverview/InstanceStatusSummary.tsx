import { Instance } from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  InstanceStatusChip,
  STATUS_DESCRIPTIONS,
} from '../../Shared/InstanceStatusChip';

/** The status chip, what the status means, and the last error if there is one. */
export const InstanceStatusSummary = (props: { instance: Instance }) => {
  const { instance } = props;
  return (
    <>
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
    </>
  );
};
