import { InfoCard, StatusOK, StatusPending } from '@backstage/core-components';
import { InstanceComponent } from '@supacontrol/plugin-supacontrol-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';

/** Readiness of each Supabase component (Deployment or StatefulSet) of the instance. */
export const ComponentsCard = (props: { components: InstanceComponent[] }) => {
  const { components } = props;
  const ready = components.filter(c => c.ready).length;
  return (
    <InfoCard
      title="Components"
      subheader={
        components.length > 0
          ? `${ready}/${components.length} ready`
          : undefined
      }
    >
      {components.length === 0 ? (
        <Typography color="textSecondary">
          No components yet. They appear once the Supabase release is installed.
        </Typography>
      ) : (
        <Table size="small" aria-label="Components">
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Replicas ready</TableCell>
              <TableCell>State</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {components.map(component => (
              <TableRow key={component.name}>
                <TableCell>{component.name}</TableCell>
                <TableCell>{component.kind}</TableCell>
                <TableCell>
                  {component.readyReplicas}/{component.replicas}
                </TableCell>
                <TableCell>
                  {component.ready ? (
                    <StatusOK>ready</StatusOK>
                  ) : (
                    <StatusPending>starting</StatusPending>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
};
