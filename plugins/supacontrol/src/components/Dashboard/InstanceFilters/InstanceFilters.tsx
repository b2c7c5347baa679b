import {
  INSTANCE_STATUSES,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import { KeyboardEvent, useEffect, useState } from 'react';

/** What the dashboard shows: `status` and `owner` go to the backend, `search` filters the page. */
export interface InstanceFilterValues {
  status?: InstanceStatus;
  owner: string;
  search: string;
}

/** Status, owner and search fields above the instance table. */
export const InstanceFilters = (props: {
  value: InstanceFilterValues;
  onChange: (value: InstanceFilterValues) => void;
}) => {
  const { value, onChange } = props;
  // The owner goes to the backend, so it is applied on Enter or when leaving the field rather
  // than on every keystroke.
  const [ownerDraft, setOwnerDraft] = useState(value.owner);
  useEffect(() => setOwnerDraft(value.owner), [value.owner]);
  const commitOwner = () => {
    if (ownerDraft.trim() !== value.owner) {
      onChange({ ...value, owner: ownerDraft.trim() });
    }
  };

  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} mb={2}>
      <TextField
        select
        variant="outlined"
        size="small"
        id="supacontrol-filter-status"
        label="Status"
        value={value.status ?? ''}
        onChange={e =>
          onChange({
            ...value,
            status: (e.target.value || undefined) as InstanceStatus | undefined,
          })
        }
        style={{ minWidth: 160 }}
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
      >
        <MenuItem value="">Any status</MenuItem>
        {INSTANCE_STATUSES.map(status => (
          <MenuItem key={status} value={status}>
            {status}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        variant="outlined"
        size="small"
        id="supacontrol-filter-owner"
        label="Owner"
        placeholder="group:default/team-a"
        value={ownerDraft}
        onChange={e => setOwnerDraft(e.target.value)}
        onBlur={commitOwner}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter') commitOwner();
        }}
        helperText="Entity ref; press Enter to apply"
        style={{ minWidth: 240 }}
      />
      <TextField
        variant="outlined"
        size="small"
        id="supacontrol-filter-search"
        label="Search"
        placeholder="Name, owner or plan"
        value={value.search}
        onChange={e => onChange({ ...value, search: e.target.value })}
        helperText="Searches the page shown"
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
    </Box>
  );
};
