import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { supacontrolApiRef } from '../../../api';
import { ConfirmDialog } from '../../Shared/ConfirmDialog';

/**
 * Asks for the instance's name before requesting its deletion; shows the backend's refusal if
 * there is one. `name` undefined: closed.
 */
export const DeleteInstanceDialog = (props: {
  name?: string;
  onClose: () => void;
  onDeleted: () => void;
}) => {
  const { name, onClose, onDeleted } = props;
  const api = useApi(supacontrolApiRef);
  return (
    <ConfirmDialog
      open={name !== undefined}
      title={`Delete ${name}?`}
      confirmLabel="Delete"
      confirmationText={name}
      onClose={onClose}
      onConfirm={async () => {
        if (name === undefined) return;
        await api.deleteInstance(name);
        onDeleted();
      }}
    >
      <Typography>
        The instance, its database and its files are removed for good.
        Applications using its API keys stop working.
      </Typography>
    </ConfirmDialog>
  );
};
