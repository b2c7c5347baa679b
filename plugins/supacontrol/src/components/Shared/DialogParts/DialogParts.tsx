import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../ErrorPanel';

/** The backend's refusal inside a dialog, which stays open so that the user can fix the input. */
export const DialogError = ({ error }: { error?: Error }) =>
  error ? (
    <Alert severity="error" role="alert">
      {errorMessage(error)}
    </Alert>
  ) : null;

/** Props of {@link DialogButtons}. */
interface DialogButtonsProps {
  onCancel: () => void;
  /** While the request runs: both buttons are disabled. */
  pending: boolean;
  label: string;
  disabled: boolean;
  /** `secondary` for what cannot be undone. */
  color?: 'primary' | 'secondary';
  /** Without it the button submits the dialog's form. */
  onClick?: () => void;
}

/** Cancel and the dialog's one action. */
export const DialogButtons = (props: DialogButtonsProps) => {
  const {
    onCancel,
    pending,
    label,
    disabled,
    color = 'primary',
    onClick,
  } = props;
  return (
    <DialogActions>
      <Button onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button
        type={onClick ? 'button' : 'submit'}
        color={color}
        variant="contained"
        disabled={disabled || pending}
        onClick={onClick}
      >
        {label}
      </Button>
    </DialogActions>
  );
};
