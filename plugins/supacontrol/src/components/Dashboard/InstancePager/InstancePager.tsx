import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

/** "21–40 of 57" with previous and next buttons, for the backend's cursor paging. */
export const InstancePager = (props: {
  offset: number;
  count: number;
  totalCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) => {
  const { offset, count, totalCount, hasPrevious, hasNext } = props;
  if (!hasPrevious && !hasNext) {
    return null;
  }
  return (
    <Box display="flex" alignItems="center" justifyContent="flex-end" mt={1}>
      <Typography variant="body2" color="textSecondary">
        {count === 0 ? 0 : offset + 1}–{offset + count} of {totalCount}
      </Typography>
      <Box ml={2}>
        <Button size="small" disabled={!hasPrevious} onClick={props.onPrevious}>
          Previous
        </Button>
        <Button size="small" disabled={!hasNext} onClick={props.onNext}>
          Next
        </Button>
      </Box>
    </Box>
  );
};
