import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceUpdatePermission,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import PauseIcon from '@material-ui/icons/Pause';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import ReplayIcon from '@material-ui/icons/Replay';
import { useState } from 'react';
import { supacontrolApiRef } from '../../../api';
import { ACTIVE_STATUSES } from '../../../hooks';
import { DeleteInstanceDialog } from '../DeleteInstanceDialog';
import { ConfirmDialog } from '../../Shared/ConfirmDialog';
import { errorMessage } from '../../Shared/ErrorPanel';

/** Why the Delete button is disabled while the instance is protected. */
export const DELETION_PROTECTED_HINT =
  "Deletion protection is on: turn it off under Operations on the instance's page to delete it.";

/**
 * Retry (for a Failed instance), pause (after a confirmation) or resume, and delete, each shown
 * only to those allowed to do it; Delete is disabled while deletion protection is on.
 * `onChanged` is called after the backend accepted any of them.
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
  const [confirmingPause, setConfirmingPause] = useState(false);
  const [pending, setPending] = useState(false);

  /** Runs an action that needs no confirmation; its outcome is an alert either way. */
  const act = async (
    verb: string,
    call: (name: string) => Promise<Instance>,
    done: (updated: Instance) => string,
  ) => {
    setPending(true);
    try {
      const updated = await call(instance.name);
      alertApi.post({
        message: done(updated),
        severity: 'info',
        display: 'transient',
      });
      onChanged();
    } catch (e) {
      alertApi.post({
        message: `Could not ${verb} ${instance.name}: ${errorMessage(
          e as Error,
        )}`,
        severity: 'error',
      });
    } finally {
      setPending(false);
    }
  };

  const gone = instance.status === 'Deleting' || instance.status === 'Deleted';
  const pausable =
    instance.desiredState === 'running' &&
    ACTIVE_STATUSES.includes(instance.status);
  const resumable = instance.desiredState === 'paused' && !gone;
  return (
    <Box display="flex" gridGap={8}>
      {canUpdate && instance.status === 'Failed' && (
        <Button
          variant="contained"
          color="primary"
          startIcon={<ReplayIcon />}
          disabled={pending}
          onClick={() =>
            act(
              'retry',
              name => api.retryInstance(name),
              updated => `Retrying ${instance.name}; it is ${updated.status}.`,
            )
          }
        >
          Retry
        </Button>
      )}
      {canUpdate && pausable && (
        <Button
          variant="outlined"
          startIcon={<PauseIcon />}
          disabled={pending}
          onClick={() => setConfirmingPause(true)}
        >
          Pause
        </Button>
      )}
      {canUpdate && resumable && (
        <Button
          variant="contained"
          color="primary"
          startIcon={<PlayArrowIcon />}
          disabled={pending}
          onClick={() =>
            act(
              'resume',
              name => api.resumeInstance(name),
              () => `Resuming ${instance.name}.`,
            )
          }
        >
          Resume
        </Button>
      )}
      {canDelete && !gone && (
        <Tooltip
          title={instance.deletionProtection ? DELETION_PROTECTED_HINT : ''}
        >
          {/* A disabled button fires no events; the span keeps its tooltip working. */}
          <span>
            <Button
              variant="outlined"
              color="secondary"
              startIcon={<DeleteIcon />}
              disabled={instance.deletionProtection}
              onClick={() => setConfirmingDelete(true)}
            >
              Delete
            </Button>
          </span>
        </Tooltip>
      )}
      <ConfirmDialog
        open={confirmingPause}
        title={`Pause ${instance.name}?`}
        confirmLabel="Pause"
        onClose={() => setConfirmingPause(false)}
        onConfirm={async () => {
          await api.pauseInstance(instance.name);
          onChanged();
        }}
      >
        <Typography>
          Every component is scaled to zero: the API, Auth and Studio stop
          answering until the instance is resumed. Its database and files are
          kept.
        </Typography>
      </ConfirmDialog>
      <DeleteInstanceDialog
        name={confirmingDelete ? instance.name : undefined}
        onClose={() => setConfirmingDelete(false)}
        onDeleted={onChanged}
      />
    </Box>
  );
};
