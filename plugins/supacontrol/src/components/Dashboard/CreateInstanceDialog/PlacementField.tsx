import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useClusters } from '../../../hooks';
import { errorMessage } from '../../Shared/ErrorPanel';
import { Placement, placementOptions } from './placement';

/**
 * The "Placement" select of the create dialog: the backend's choice, a region or a cluster.
 * Clusters are loaded while the dialog is open, so the counts are those of the moment. When they
 * cannot be loaded only the backend's choice is offered; that is said in the helper text, not in
 * an alert, because the dialog's alerts are refusals of the create.
 */
export const PlacementField = (props: {
  open: boolean;
  value: Placement;
  onChange: (value: Placement) => void;
}) => {
  const { open, value, onChange } = props;
  const clusters = useClusters({ active: open });
  const options = placementOptions(clusters.value ?? []);

  let helperText = 'Where the instance runs; it stays there for its lifetime';
  if (clusters.loading) {
    helperText = 'Loading clusters…';
  } else if (clusters.error) {
    helperText = `Could not load the clusters (${errorMessage(
      clusters.error,
    )}); the backend chooses`;
  } else if (clusters.value?.length === 1) {
    helperText = `There is one cluster, ${clusters.value[0].name} (${clusters.value[0].region})`;
  }

  return (
    <TextField
      select
      fullWidth
      margin="normal"
      variant="outlined"
      id="supacontrol-instance-placement"
      label="Placement"
      value={value}
      onChange={e => onChange(e.target.value as Placement)}
      helperText={helperText}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      {options.map(option => (
        <MenuItem
          key={option.value}
          value={option.value}
          disabled={option.disabled}
        >
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
};
