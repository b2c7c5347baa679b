import {
  Breadcrumbs,
  Content,
  ContentHeader,
  Link,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { rootRouteRef } from '../../../routes';
import { ApiKeysCard } from '../ApiKeysCard';
import { HealthCard } from '../HealthCard';

/** `/supacontrol/settings`: the user's API keys and the backend's status. */
export const SettingsPage = () => {
  const rootLink = useRouteRef(rootRouteRef);
  return (
    <Content>
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={rootLink()}>Instances</Link>
          <Typography>Settings</Typography>
        </Breadcrumbs>
      </Box>
      <ContentHeader title="Settings" />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <ApiKeysCard />
        </Grid>
        <Grid item xs={12} md={6}>
          <HealthCard />
        </Grid>
      </Grid>
    </Content>
  );
};
