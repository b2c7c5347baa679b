import {
  InfoCard,
  Progress,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useClusterEvents } from '../../../hooks';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import { Timestamp } from '../../Shared/Timestamp';

const useStyles = makeStyles(theme => ({
  warning: {
    backgroundColor:
      theme.palette.type === 'dark'
        ? 'rgba(255, 152, 0, 0.16)'
        : 'rgba(255, 152, 0, 0.08)',
  },
  message: { wordBreak: 'break-word' },
}));

/**
 * What Kubernetes says about the instance's namespace (pods failing to pull or start, volumes
 * not binding), Warnings first and highlighted. Kubernetes keeps events for about an hour.
 */
export const ClusterEventsCard = (props: { name: string }) => {
  const classes = useStyles();
  const { value, loading, error, retry } = useClusterEvents(props.name);

  let body: JSX.Element;
  if (error) {
    body = (
      <ErrorPanel
        error={error}
        what="Could not load the cluster events"
        onRetry={retry}
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.length === 0) {
    body = (
      <Typography color="textSecondary">
        No events in the instance's namespace. Kubernetes keeps them for about
        an hour.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Cluster events">
        <TableHead>
          <TableRow>
            <TableCell>Type</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Object</TableCell>
            <TableCell>Message</TableCell>
            <TableCell align="right">Count</TableCell>
            <TableCell>Last seen</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map((event, index) => (
            <TableRow
              key={`${event.object}/${event.reason}/${index}`}
              className={event.type === 'Warning' ? classes.warning : undefined}
            >
              <TableCell>
                {event.type === 'Warning' ? (
                  <StatusWarning>Warning</StatusWarning>
                ) : (
                  <StatusOK>Normal</StatusOK>
                )}
              </TableCell>
              <TableCell>{event.reason}</TableCell>
              <TableCell>{event.object}</TableCell>
              <TableCell className={classes.message}>{event.message}</TableCell>
              <TableCell align="right">{event.count}</TableCell>
              <TableCell>
                <Timestamp value={event.lastTimestamp} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard
      title="Cluster events"
      action={
        <Tooltip title="Reload cluster events">
          <span>
            <IconButton
              aria-label="Reload cluster events"
              disabled={loading}
              onClick={retry}
            >
              <RefreshIcon />
            </IconButton>
          </span>
        </Tooltip>
      }
    >
      {body}
    </InfoCard>
  );
};
