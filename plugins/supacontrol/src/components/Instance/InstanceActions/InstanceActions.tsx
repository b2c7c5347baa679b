import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceUpdatePermission,
} from '@internal/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DeleteIcon from '@material-ui/icons/Delete';
import ReplayIcon from '@material-ui/icons/Replay';
import { useState } from 'react';
import { supacontrolApiRef } from '../../../api';
import { DeleteInstanceDialog } from '../DeleteInstanceDialog';
import { errorMessage } from '../../Shared/ErrorPanel';

/**
 * Retry (for a Failed instance) and delete, each shown only to those allowed to do it. `onChanged`
 * is called after the backend accepted either.
 */
export const InstanceActions = (props: {
  instance: Instance;
  onChanged: () => void;
}) => {
  const { instance, onChanged } = props;
  const api = useApi(supacontrolApiRef);
  const alertApi = useApi(alertApiRef);
  const canUpdate = usePermission({
    permission: supacontrolInstanceUpdatePermission,
    resourceRef: instance.name,
  }).allowed;
  const canDelete = usePermission({
    permission: supacontrolInstanceDeletePermission,
    resourceRef: instance.name,
  }).allowed;
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [retrying, setRetrying] = useState(false);

  const retry = async () => {
    setRetrying(true);
    try {
      const updated = await api.retryInstance(instance.name);
      alertApi.post({
        message: `Retrying ${instance.name}; it is ${updated.status}.`,
        severity: 'info',
        display: 'transient',
      });
      onChanged();
    } catch (e) {
      alertApi.post({
        message: `Could not retry ${instance.name}: ${errorMessage(
          e as Error,
        )}`,
        severity: 'error',
      });
    } finally {
      setRetrying(false);
    }
  };

  const deletable =
    canDelete &&
    instance.status !== 'Deleting' &&
    instance.status !== 'Deleted';
  return (
    <Box display="flex" gridGap={8}>
      {canUpdate && instance.status === 'Failed' && (
        <Button
          variant="contained"
          color="primary"
          startIcon={<ReplayIcon />}
          disabled={retrying}
          onClick={retry}
        >
          Retry
        </Button>
      )}
      {deletable && (
        <Button
          variant="outlined"
          color="secondary"
          startIcon={<DeleteIcon />}
          onClick={() => setConfirmingDelete(true)}
        >
          Delete
        </Button>
      )}
      <DeleteInstanceDialog
        name={confirmingDelete ? instance.name : undefined}
        onClose={() => setConfirmingDelete(false)}
        onDeleted={onChanged}
      />
    </Box>
  );
};
