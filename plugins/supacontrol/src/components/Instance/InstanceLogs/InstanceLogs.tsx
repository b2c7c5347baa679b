import { InfoCard, Progress } from '@backstage/core-components';
import {
  INSTANCE_COMPONENTS,
  InstanceComponentName,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useEffect, useRef, useState } from 'react';
import { useInstanceLogs } from '../../../hooks';
import { ErrorPanel } from '../../Shared/ErrorPanel';

/** How many lines from the end of each pod's log can be asked for. */
export const TAIL_CHOICES = [50, 200, 1000] as const;
const DEFAULT_TAIL = 200;

const useStyles = makeStyles(theme => ({
  output: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: 0,
    padding: theme.spacing(1.5),
    maxHeight: 560,
    minHeight: 120,
    overflow: 'auto',
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
}));

/**
 * The log of one component of an instance: its last lines, or the live log while Follow is on
 * (the stream stops when Follow is turned off or the page is left).
 */
export const InstanceLogs = (props: {
  name: string;
  initialComponent?: InstanceComponentName;
}) => {
  const { name, initialComponent = 'db' } = props;
  const classes = useStyles();
  const [component, setComponent] =
    useState<InstanceComponentName>(initialComponent);
  const [tail, setTail] = useState<number>(DEFAULT_TAIL);
  const [follow, setFollow] = useState(false);
  const logs = useInstanceLogs(name, { component, tail }, follow);

  // While following, keep the newest line in view, as `kubectl logs -f` does.
  const output = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (follow && output.current) {
      output.current.scrollTop = output.current.scrollHeight;
    }
  }, [follow, logs.text]);

  let body: JSX.Element;
  if (logs.error) {
    body = (
      <ErrorPanel
        error={logs.error}
        what={`Could not read the logs of ${component}`}
        onRetry={follow ? undefined : logs.reload}
      />
    );
  } else if (logs.loading || logs.text === undefined) {
    // Not the previous component's lines under the new component's name.
    body = <Progress />;
  } else {
    body = (
      <>
        <pre
          ref={output}
          className={classes.output}
          role="log"
          aria-label={`Logs of ${component}`}
        >
          {logs.text}
        </pre>
        {logs.text === '' && (
          <Typography variant="body2" color="textSecondary">
            {follow
              ? 'Waiting for new lines…'
              : `${component} has written no log lines.`}
          </Typography>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Logs"
      action={
        <Tooltip title="Reload logs">
          <span>
            <IconButton
              aria-label="Reload logs"
              disabled={follow || logs.loading}
              onClick={logs.reload}
            >
              <RefreshIcon />
            </IconButton>
          </span>
        </Tooltip>
      }
    >
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        gridGap={16}
        mb={2}
      >
        <TextField
          select
          variant="outlined"
          size="small"
          id="supacontrol-logs-component"
          label="Component"
          value={component}
          onChange={e => setComponent(e.target.value as InstanceComponentName)}
          style={{ minWidth: 160 }}
        >
          {INSTANCE_COMPONENTS.map(c => (
            <MenuItem key={c} value={c}>
              {c}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          variant="outlined"
          size="small"
          id="supacontrol-logs-tail"
          label="Lines"
          value={tail}
          onChange={e => setTail(Number(e.target.value))}
          style={{ minWidth: 120 }}
        >
          {TAIL_CHOICES.map(n => (
            <MenuItem key={n} value={n}>
              last {n}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Switch
              color="primary"
              checked={follow}
              onChange={(_e, checked) => setFollow(checked)}
            />
          }
          label="Follow"
        />
      </Box>
      {body}
    </InfoCard>
  );
};
