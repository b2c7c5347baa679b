import { Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ApiKey } from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useCallback, useState } from 'react';
import { supacontrolApiRef } from '../../../api';
import { useApiKeys } from '../../../hooks';
import { ConfirmDialog } from '../../Shared/ConfirmDialog';
import {
  ErrorPanel,
  errorMessage,
  isNotAllowed,
} from '../../Shared/ErrorPanel';
import { ApiKeysTable } from '../ApiKeysTable';
import { CreateApiKeyDialog } from '../CreateApiKeyDialog';

/**
 * The API keys section of the settings page: list, create (key shown once) and revoke.
 *
 * Whether the user may manage keys at all is the backend's answer to the list: the manage
 * permission is a resource permission, which `usePermission` cannot decide without a key id.
 * Revoke buttons, which have a key id, ask `usePermission`.
 */
export const ApiKeysCard = () => {
  const api = useApi(supacontrolApiRef);
  const alertApi = useApi(alertApiRef);
  const { value, error, retry } = useApiKeys();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey>();
  const onRevoke = useCallback((key: ApiKey) => setRevoking(key), []);

  if (error && isNotAllowed(error)) {
    return (
      <Alert severity="info">
        <AlertTitle>You may not manage API keys</AlertTitle>
        {errorMessage(error)}. Ask a SupaControl admin if you need a key for
        automation.
      </Alert>
    );
  }
  if (error) {
    return (
      <ErrorPanel
        error={error}
        what="Could not load API keys"
        onRetry={retry}
      />
    );
  }
  if (!value) {
    return <Progress />;
  }

  return (
    <>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        mb={2}
      >
        <Typography variant="body2" color="textSecondary">
          API keys let scripts and CI call the SupaControl API as you, limited
          to the scopes you choose.
        </Typography>
        <Button
          variant="contained"
          color="primary"
          startIcon={<VpnKeyIcon />}
          onClick={() => setCreating(true)}
        >
          Create API key
        </Button>
      </Box>
      {value.length === 0 ? (
        <Typography>
          No API keys yet. Create one to use SupaControl from the command line
          or a pipeline.
        </Typography>
      ) : (
        <ApiKeysTable apiKeys={value} onRevoke={onRevoke} />
      )}
      {creating && (
        <CreateApiKeyDialog
          onClose={() => setCreating(false)}
          onCreated={retry}
        />
      )}
      <ConfirmDialog
        open={!!revoking}
        title={`Revoke ${revoking?.name}?`}
        confirmLabel="Revoke"
        onClose={() => setRevoking(undefined)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.revokeApiKey(revoking.id);
          alertApi.post({
            message: `API key ${revoking.name} revoked.`,
            severity: 'success',
            display: 'transient',
          });
          retry();
        }}
      >
        <Typography>
          Anything that uses <code>{revoking?.prefix}…</code> is refused from
          now on. This cannot be undone.
        </Typography>
      </ConfirmDialog>
    </>
  );
};
