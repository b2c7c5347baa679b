import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Instance,
  INSTANCE_NAME_MAX_LENGTH,
  INSTANCE_NAME_RULE,
  validateInstanceName,
} from '@supacontrol/plugin-supacontrol-common';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { supacontrolApiRef } from '../../../api';
import { usePlans } from '../../../hooks';
import { DialogButtons, DialogError } from '../../Shared/DialogParts';
import { errorMessage } from '../../Shared/ErrorPanel';
import { Placement, placementRequest } from './placement';
import { PlacementField } from './PlacementField';

/** Props of {@link CreateInstanceDialog}. */
interface CreateInstanceDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: (instance: Instance) => void;
}

/**
 * Asks for a name (checked as you type with the backend's own rule), a plan, a placement (the
 * backend's choice, a region or a cluster), an owner and whether to protect it from deletion,
 * and requests the instance. A refusal from the backend is shown in the dialog, which stays open.
 */
export const CreateInstanceDialog = (props: CreateInstanceDialogProps) => {
  const { open, onClose, onCreated } = props;
  const api = useApi(supacontrolApiRef);
  const identityApi = useApi(identityApiRef);
  const plans = usePlans();
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );

  const [name, setName] = useState('');
  const [plan, setPlan] = useState('');
  const [owner, setOwner] = useState('');
  const [placement, setPlacement] = useState<Placement>('');
  const [deletionProtection, setDeletionProtection] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();

  // Preselect the backend's default plan and the user themself once they are known.
  useEffect(() => {
    if (!plan && plans.value?.length) {
      setPlan((plans.value.find(p => p.default) ?? plans.value[0]).name);
    }
  }, [plan, plans.value]);
  useEffect(() => {
    if (!owner && identity.value) {
      setOwner(identity.value.userEntityRef);
    }
  }, [owner, identity.value]);

  const problem = name === '' ? undefined : validateInstanceName(name);
  const selectedPlan = plans.value?.find(p => p.name === plan);
  const owners = identity.value
    ? Array.from(
        new Set([
          identity.value.userEntityRef,
          ...identity.value.ownershipEntityRefs,
        ]),
      )
    : [];

  const close = () => {
    if (pending) return;
    setName('');
    setPlacement('');
    setDeletionProtection(false);
    setError(undefined);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name === '' || problem) return;
    setPending(true);
    setError(undefined);
    try {
      const instance = await api.createInstance({
        name,
        plan: plan || undefined,
        // The backend defaults to the caller; send an owner only when it is a group.
        owner:
          owner && owner !== identity.value?.userEntityRef ? owner : undefined,
        // Sent only when asked for, so that the backend's default stays the default.
        deletionProtection: deletionProtection || undefined,
        ...placementRequest(placement),
      });
      setPending(false);
      setName('');
      setPlacement('');
      setDeletionProtection(false);
      onCreated(instance);
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
      aria-labelledby="supacontrol-create-instance-title"
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id="supacontrol-create-instance-title">
          Create a Supabase instance
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            You get a complete Supabase stack (Postgres, Auth, REST, Realtime,
            Storage and Studio) in its own Kubernetes namespace. It starts as
            Pending and is usually Running within a few minutes.
          </DialogContentText>
          <TextField
            fullWidth
            required
            margin="normal"
            variant="outlined"
            id="supacontrol-instance-name"
            label="Name"
            value={name}
            onChange={e => setName(e.target.value)}
            error={!!problem}
            helperText={problem ?? `${INSTANCE_NAME_RULE}.`}
            inputProps={{
              spellCheck: false,
              autoComplete: 'off',
              maxLength: INSTANCE_NAME_MAX_LENGTH + 10,
            }}
          />
          {plans.error ? (
            <Alert severity="warning">
              Could not load the plans ({errorMessage(plans.error)}); the
              instance gets the default plan.
            </Alert>
          ) : (
            <TextField
              select
              fullWidth
              margin="normal"
              variant="outlined"
              id="supacontrol-instance-plan"
              label="Plan"
              value={plan}
              disabled={plans.loading}
              onChange={e => setPlan(e.target.value)}
              helperText={
                plans.loading ? 'Loading plans…' : selectedPlan?.description
              }
            >
              {(plans.value ?? []).map(p => (
                <MenuItem key={p.name} value={p.name}>
                  {p.name}
                  {p.default ? ' (default)' : ''}
                </MenuItem>
              ))}
            </TextField>
          )}
          <PlacementField
            open={open}
            value={placement}
            onChange={setPlacement}
          />
          {owners.length > 1 && (
            <TextField
              select
              fullWidth
              margin="normal"
              variant="outlined"
              id="supacontrol-instance-owner"
              label="Owner"
              value={owner}
              onChange={e => setOwner(e.target.value)}
              helperText="Members of an owning group can all manage the instance"
            >
              {owners.map(ref => (
                <MenuItem key={ref} value={ref}>
                  {ref}
                </MenuItem>
              ))}
            </TextField>
          )}
          <FormControlLabel
            control={
              <Checkbox
                color="primary"
                checked={deletionProtection}
                onChange={(_e, checked) => setDeletionProtection(checked)}
              />
            }
            label="Deletion protection"
          />
          <FormHelperText>
            The instance cannot be deleted until this is turned off again.
          </FormHelperText>
          <DialogError error={error} />
        </DialogContent>
        <DialogButtons
          onCancel={close}
          pending={pending}
          label={pending ? 'Creating…' : 'Create'}
          disabled={name === '' || !!problem}
        />
      </form>
    </Dialog>
  );
};
