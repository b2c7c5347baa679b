import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useState } from 'react';
import { errorMessage } from '../ErrorPanel';

/** Props of {@link ConfirmDialog}. */
interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When set, the confirm button stays disabled until exactly this text is typed. */
  confirmationText?: string;
  /** Does the work; a rejection is shown in the dialog, which then stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before something that cannot be undone, and shows the backend's answer if it refuses. */
export const ConfirmDialog = (props: ConfirmDialogProps) => {
  const {
    open,
    title,
    children,
    confirmLabel,
    confirmationText,
    onConfirm,
    onClose,
  } = props;
  const [typed, setTyped] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();

  const confirmed =
    confirmationText === undefined || typed === confirmationText;

  const close = () => {
    if (pending) return;
    setTyped('');
    setError(undefined);
    onClose();
  };

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
      setPending(false);
      setTyped('');
      onClose();
    } catch (e) {
      setPending(false);
      setError(e as Error);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      fullWidth
      maxWidth="sm"
      aria-labelledby="supacontrol-confirm-title"
    >
      <DialogTitle id="supacontrol-confirm-title">{title}</DialogTitle>
      <DialogContent>
        {children}
        {confirmationText !== undefined && (
          <TextField
            fullWidth
            margin="normal"
            variant="outlined"
            id="supacontrol-confirm-text"
            label={`Type ${confirmationText} to confirm`}
            value={typed}
            onChange={e => setTyped(e.target.value)}
            inputProps={{ spellCheck: false, autoComplete: 'off' }}
          />
        )}
        {error && (
          <Alert severity="error" role="alert">
            {errorMessage(error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={pending}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={!confirmed || pending}
          onClick={confirm}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
