import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { errorMessage } from './errorMessage';

/**
 * `ResponseErrorPanel` titled with what failed and the backend's explanation, with an optional
 * retry button underneath.
 */
export const ErrorPanel = (props: {
  error: Error;
  what: string;
  onRetry?: () => void;
}) => {
  const { error, what, onRetry } = props;
  return (
    <Box>
      <ResponseErrorPanel
        error={error}
        title={`${what}: ${errorMessage(error)}`}
      />
      {onRetry && (
        <Box mt={1}>
          <Button variant="outlined" size="small" onClick={onRetry}>
            Try again
          </Button>
        </Box>
      )}
    </Box>
  );
};
