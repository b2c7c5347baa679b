import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  API_KEY_SCOPES,
  ApiKeyScope,
  CreatedApiKey,
  DEFAULT_API_KEY_SCOPES,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import { supacontrolApiRef } from '../../../api';
import { DialogButtons, DialogError } from '../../Shared/DialogParts';

/** What each scope lets a key do. */
const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  'instances:read': 'List and read your instances and their events',
  'instances:write': 'Create, change and delete instances',
  'instances:credentials': "Read instances' keys and passwords",
};

/** Expiry choices; the backend accepts at most a year, and keys that never expire from admins. */
const EXPIRY_OPTIONS: { label: string; days?: number }[] = [
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never (admins only)' },
];

const DEFAULT_EXPIRY = '90 days';

/** Props of {@link CreateApiKeyDialog}. */
interface CreateApiKeyDialogProps {
  onClose: () => void;
  onCreated: () => void;
}

/**
 * Creates an API key and shows it exactly once. Mount it only while open: the key lives in this
 * component's state and is gone when it unmounts.
 */
export const CreateApiKeyDialog = (props: CreateApiKeyDialogProps) => {
  const { onClose, onCreated } = props;
  const api = useApi(supacontrolApiRef);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([
    ...DEFAULT_API_KEY_SCOPES,
  ]);
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  const [created, setCreated] = useState<CreatedApiKey>();

  const nameProblem =
    name.trim().length > 100 ? 'At most 100 characters' : undefined;
  const valid = name.trim() !== '' && !nameProblem && scopes.length > 0;

  const toggle = (scope: ApiKeyScope) =>
    setScopes(current =>
      current.includes(scope)
        ? current.filter(s => s !== scope)
        : API_KEY_SCOPES.filter(s => s === scope || current.includes(s)),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    const days = EXPIRY_OPTIONS.find(o => o.label === expiry)?.days;
    setPending(true);
    setError(undefined);
    try {
      const key = await api.createApiKey({
        name: name.trim(),
        scopes,
        expiresInDays: days ?? 'never',
      });
      setCreated(key);
      onCreated();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  if (created) {
    return (
      <Dialog
        open
        onClose={onClose}
        fullWidth
        maxWidth="sm"
        aria-labelledby="supacontrol-created-key-title"
      >
        <DialogTitle id="supacontrol-created-key-title">
          API key {created.name} created
        </DialogTitle>
        <DialogContent>
          <Alert severity="warning">
            Copy the key now: this is the only time it is shown. SupaControl
            stores only a hash of it and cannot show it again; if you lose it,
            revoke it and create a new one.
          </Alert>
          <Box display="flex" alignItems="center" my={2}>
            <Typography
              component="code"
              aria-label="New API key"
              style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
            >
              {created.key}
            </Typography>
            <CopyTextButton
              text={created.key}
              aria-label="Copy API key"
              tooltipText="API key copied"
            />
          </Box>
          <Typography variant="body2" color="textSecondary">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code> or{' '}
            <code>X-Api-Key: &lt;key&gt;</code> to{' '}
            <code>/api/supacontrol/v1</code>.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button variant="contained" color="primary" onClick={onClose}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog
      open
      onClose={pending ? undefined : onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="supacontrol-create-key-title"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="supacontrol-create-key-title">
          Create an API key
        </DialogTitle>
        <DialogContent>
          <TextField
            fullWidth
            required
            margin="normal"
            variant="outlined"
            id="supacontrol-key-name"
            label="Name"
            value={name}
            onChange={e => setName(e.target.value)}
            error={!!nameProblem}
            helperText={nameProblem ?? 'What uses it, e.g. "CI pipeline"'}
            inputProps={{ autoComplete: 'off' }}
          />
          <FormControl
            component="fieldset"
            margin="normal"
            error={scopes.length === 0}
          >
            <FormLabel component="legend">Scopes</FormLabel>
            <FormGroup>
              {API_KEY_SCOPES.map(scope => (
                <FormControlLabel
                  key={scope}
                  control={
                    <Checkbox
                      checked={scopes.includes(scope)}
                      onChange={() => toggle(scope)}
                      name={scope}
                    />
                  }
                  label={`${scope}: ${SCOPE_DESCRIPTIONS[scope]}`}
                />
              ))}
            </FormGroup>
            <FormHelperText>
              {scopes.length === 0
                ? 'Choose at least one scope'
                : 'The key acts as you, within these scopes, and can never manage keys'}
            </FormHelperText>
          </FormControl>
          <TextField
            select
            fullWidth
            margin="normal"
            variant="outlined"
            id="supacontrol-key-expiry"
            label="Expires after"
            value={expiry}
            onChange={e => setExpiry(e.target.value)}
          >
            {EXPIRY_OPTIONS.map(option => (
              <MenuItem key={option.label} value={option.label}>
                {option.label}
              </MenuItem>
            ))}
          </TextField>
          <DialogError error={error} />
        </DialogContent>
        <DialogButtons
          onCancel={onClose}
          pending={pending}
          label={pending ? 'Creating…' : 'Create key'}
          disabled={!valid}
        />
      </form>
    </Dialog>
  );
};
