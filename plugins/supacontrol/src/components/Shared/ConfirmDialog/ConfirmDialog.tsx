import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { ReactNode, useState } from 'react';
import { DialogButtons, DialogError } from '../DialogParts';

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
        <DialogError error={error} />
      </DialogContent>
      <DialogButtons
        onCancel={close}
        pending={pending}
        label={confirmLabel}
        disabled={!confirmed}
        color="secondary"
        onClick={confirm}
      />
    </Dialog>
  );
};
