import { InfoCard } from '@backstage/core-components';
import { InstanceCondition } from '@supacontrol/plugin-supacontrol-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { Timestamp } from '../../Shared/Timestamp';

const useStyles = makeStyles(theme => ({
  True: { backgroundColor: theme.palette.success.main },
  False: { backgroundColor: theme.palette.error.main },
  Unknown: { backgroundColor: theme.palette.grey[400] },
  opposite: { flex: 0.3 },
}));

/** The instance's conditions in the order they last changed, oldest at the top. */
export const ConditionsTimeline = (props: {
  conditions: InstanceCondition[];
}) => {
  const classes = useStyles();
  const conditions = [...props.conditions].sort((a, b) =>
    a.lastTransitionTime.localeCompare(b.lastTransitionTime),
  );
  return (
    <InfoCard title="Conditions">
      {conditions.length === 0 ? (
        <Typography color="textSecondary">
          No conditions yet. The reconciler reports them as it provisions the
          instance.
        </Typography>
      ) : (
        <Timeline align="left">
          {conditions.map((condition, index) => (
            <TimelineItem key={condition.type}>
              <TimelineOppositeContent className={classes.opposite}>
                <Typography variant="caption" color="textSecondary">
                  <Timestamp value={condition.lastTransitionTime} />
                </Typography>
              </TimelineOppositeContent>
              <TimelineSeparator>
                <TimelineDot className={classes[condition.status]} />
                {index < conditions.length - 1 && <TimelineConnector />}
              </TimelineSeparator>
              <TimelineContent>
                <Typography variant="subtitle2">
                  {condition.type}: {condition.status}
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  {condition.reason}
                  {condition.message ? ` — ${condition.message}` : ''}
                </Typography>
              </TimelineContent>
            </TimelineItem>
          ))}
        </Timeline>
      )}
    </InfoCard>
  );
};
