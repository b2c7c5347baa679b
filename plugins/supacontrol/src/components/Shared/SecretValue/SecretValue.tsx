import { errorApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import FileCopy from '@material-ui/icons/FileCopy';
import Visibility from '@material-ui/icons/Visibility';
import VisibilityOff from '@material-ui/icons/VisibilityOff';
import { useEffect, useRef, useState } from 'react';

const MASK = '••••••••••••';
const COPIED_TOOLTIP_MS = 1000;

const useStyles = makeStyles(theme => ({
  value: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
    flex: 1,
    marginRight: theme.spacing(1),
  },
}));

/**
 * A value with a copy button (a dash when the backend has none).
 *
 * A value that is not in the page yet (`value` undefined, with `load` to fetch it) is masked and
 * fetched on the first reveal or copy, so that secrets are read only when someone asks for them.
 * A `secret` one stays masked (shown as `masked`, or dots) until the reader reveals it; copying
 * works either way, so revealing is never needed to use it.
 */
export const SecretValue = (props: {
  label: string;
  /** The value; undefined while it has not been fetched. */
  value?: string;
  /** Fetches the value (e.g. all of an instance's credentials) on the first reveal or copy. */
  load?: () => Promise<string>;
  secret?: boolean;
  masked?: string;
}) => {
  const { label, value, load, secret = false, masked = MASK } = props;
  const classes = useStyles();
  const errorApi = useApi(errorApiRef);
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState(false);
  const copiedTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(copiedTimer.current), []);

  const loaded = value !== undefined;
  if (value === '' || (!loaded && !load)) {
    return (
      <span className={classes.value} aria-label={label}>
        —
      </span>
    );
  }
  const hidden = !loaded || (secret && !revealed);

  const reveal = () => {
    if (loaded) {
      setRevealed(r => !r);
      return;
    }
    setRevealed(true);
    // A failed read is shown by the owner of `load`; the value then stays masked.
    load!().catch(() => {});
  };

  const copy = async () => {
    let text: string;
    try {
      text = loaded ? value : await load!();
    } catch {
      return; // shown by the owner of `load`
    }
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      errorApi.post(error as Error);
      return;
    }
    setCopied(true);
    clearTimeout(copiedTimer.current);
    copiedTimer.current = setTimeout(() => setCopied(false), COPIED_TOOLTIP_MS);
  };

  // Once fetched, a value that is not secret needs no reveal button.
  const revealable = secret || !loaded;
  const revealLabel = hidden ? `Reveal ${label}` : `Hide ${label}`;
  let shown = value;
  if (!loaded) shown = MASK;
  else if (hidden) shown = masked;
  return (
    <Box display="flex" alignItems="center">
      <span className={classes.value} aria-label={label}>
        {shown}
      </span>
      {revealable && (
        <Tooltip title={revealLabel}>
          <IconButton size="small" aria-label={revealLabel} onClick={reveal}>
            {hidden ? <Visibility /> : <VisibilityOff />}
          </IconButton>
        </Tooltip>
      )}
      <Tooltip title={copied ? `${label} copied` : `Copy ${label}`}>
        <IconButton size="small" aria-label={`Copy ${label}`} onClick={copy}>
          <FileCopy />
        </IconButton>
      </Tooltip>
    </Box>
  );
};
