import { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { isTransitional } from '../../../hooks';

/** What each status means for the person looking at it. */
export const STATUS_DESCRIPTIONS: Record<InstanceStatus, string> = {
  Pending: 'Recorded; waiting for the reconciler to start provisioning',
  Provisioning:
    'Installing the Supabase release and waiting for it to be ready',
  Running: 'Ready: every component is up',
  Degraded:
    'A change did not become ready in time; the last good state may still serve. See the conditions',
  Paused: 'Scaled down; data is kept',
  Updating: 'Applying a change; the instance may be briefly unavailable',
  Deleting: 'Removing the release and its namespace',
  Deleted: 'Gone; only the history remains',
  Failed: 'The reconciler gave up; see the last error, then retry or delete',
};

const filled = (background: string, theme: Theme) => ({
  backgroundColor: background,
  color: theme.palette.getContrastText(background),
});

const useStyles = makeStyles(theme => ({
  Pending: filled(theme.palette.info.light, theme),
  Provisioning: filled(theme.palette.info.main, theme),
  Running: filled(theme.palette.success.main, theme),
  Degraded: filled(theme.palette.warning.dark, theme),
  Paused: filled(theme.palette.grey[500], theme),
  Updating: filled(theme.palette.info.main, theme),
  Deleting: filled(theme.palette.warning.main, theme),
  Deleted: filled(theme.palette.grey[300], theme),
  Failed: filled(theme.palette.error.main, theme),
  spinner: { color: 'inherit' },
}));

/**
 * An instance's status as a coloured chip; transitional statuses carry a spinner so that the
 * reader knows it will change by itself.
 */
export const InstanceStatusChip = (props: {
  status: InstanceStatus;
  size?: 'small' | 'medium';
}) => {
  const { status, size = 'small' } = props;
  const classes = useStyles();
  return (
    <Tooltip title={STATUS_DESCRIPTIONS[status]}>
      <Chip
        size={size}
        label={status}
        className={classes[status]}
        data-testid={`status-${status}`}
        icon={
          isTransitional(status) ? (
            <CircularProgress
              size={14}
              thickness={5}
              className={classes.spinner}
              aria-label={`${status}, in progress`}
            />
          ) : undefined
        }
      />
    </Tooltip>
  );
};
