import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import Visibility from '@material-ui/icons/Visibility';
import VisibilityOff from '@material-ui/icons/VisibilityOff';
import { useState } from 'react';

const MASK = '••••••••••••';

const useStyles = makeStyles(theme => ({
  value: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
    flex: 1,
    marginRight: theme.spacing(1),
  },
}));

/**
 * A value with a copy button (a dash when the backend has none). A `secret` one is masked (shown as `masked`, or dots) until the
 * reader asks to reveal it; copying works either way, so revealing is never needed to use it.
 */
export const SecretValue = (props: {
  label: string;
  value: string;
  secret?: boolean;
  masked?: string;
}) => {
  const { label, value, secret = false, masked = MASK } = props;
  const classes = useStyles();
  const [revealed, setRevealed] = useState(false);
  const hidden = secret && !revealed;
  if (!value) {
    return (
      <span className={classes.value} aria-label={label}>
        —
      </span>
    );
  }
  return (
    <Box display="flex" alignItems="center">
      <span className={classes.value} aria-label={label}>
        {hidden ? masked : value}
      </span>
      {secret && (
        <Tooltip title={revealed ? `Hide ${label}` : `Reveal ${label}`}>
          <IconButton
            size="small"
            aria-label={revealed ? `Hide ${label}` : `Reveal ${label}`}
            onClick={() => setRevealed(r => !r)}
          >
            {revealed ? <VisibilityOff /> : <Visibility />}
          </IconButton>
        </Tooltip>
      )}
      <CopyTextButton
        text={value}
        aria-label={`Copy ${label}`}
        tooltipText={`${label} copied`}
      />
    </Box>
  );
};
