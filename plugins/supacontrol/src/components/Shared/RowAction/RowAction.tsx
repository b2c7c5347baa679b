import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import { ReactElement } from 'react';

/** An icon button in a table row, named by its tooltip and its accessible label. */
export const RowAction = (props: {
  label: string;
  icon: ReactElement;
  onClick: () => void;
}) => (
  <Tooltip title={props.label}>
    <IconButton size="small" aria-label={props.label} onClick={props.onClick}>
      {props.icon}
    </IconButton>
  </Tooltip>
);
