import {
  ClusterSummary,
  INSTANCE_STATUSES,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import { KeyboardEvent, useEffect, useState } from 'react';

/**
 * What the dashboard shows: `status`, `owner`, `cluster` and `region` go to the backend,
 * `search` filters the page.
 */
export interface InstanceFilterValues {
  status?: InstanceStatus;
  owner: string;
  cluster?: string;
  region?: string;
  search: string;
}

/** A select of the filter row whose empty value means "any". */
const AnySelect = (props: {
  id: string;
  label: string;
  anyLabel: string;
  value: string | undefined;
  options: readonly string[];
  onChange: (value: string | undefined) => void;
}) => (
  <TextField
    select
    variant="outlined"
    size="small"
    id={props.id}
    label={props.label}
    value={props.value ?? ''}
    onChange={e => props.onChange(e.target.value || undefined)}
    style={{ minWidth: 160 }}
    SelectProps={{ displayEmpty: true }}
    InputLabelProps={{ shrink: true }}
  >
    <MenuItem value="">{props.anyLabel}</MenuItem>
    {props.options.map(option => (
      <MenuItem key={option} value={option}>
        {option}
      </MenuItem>
    ))}
  </TextField>
);

/**
 * Status, cluster, region, owner and search fields above the instance table. The cluster and
 * region selects offer the backend's clusters, and are left out until those are known.
 */
export const InstanceFilters = (props: {
  value: InstanceFilterValues;
  clusters?: ClusterSummary[];
  onChange: (value: InstanceFilterValues) => void;
}) => {
  const { value, clusters = [], onChange } = props;
  const regions = Array.from(new Set(clusters.map(c => c.region)));
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
      <AnySelect
        id="supacontrol-filter-status"
        label="Status"
        anyLabel="Any status"
        value={value.status}
        options={INSTANCE_STATUSES}
        onChange={status =>
          onChange({ ...value, status: status as InstanceStatus | undefined })
        }
      />
      {clusters.length > 0 && (
        <>
          <AnySelect
            id="supacontrol-filter-region"
            label="Region"
            anyLabel="Any region"
            value={value.region}
            options={regions}
            onChange={region => onChange({ ...value, region })}
          />
          <AnySelect
            id="supacontrol-filter-cluster"
            label="Cluster"
            anyLabel="Any cluster"
            value={value.cluster}
            options={clusters.map(c => c.name)}
            onChange={cluster => onChange({ ...value, cluster })}
          />
        </>
      )}
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
