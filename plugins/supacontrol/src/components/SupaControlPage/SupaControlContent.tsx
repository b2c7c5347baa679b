import { Content, ContentHeader } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { HealthCard } from '../HealthCard';

/**
 * The body of the SupaControl page. The legacy page wraps it in a header; in the new frontend
 * system the app draws the header.
 */
export const SupaControlContent = () => (
  <Content>
    <ContentHeader title="Supabase instances">
      <Typography variant="body2">
        Self-service Supabase on Kubernetes: each instance gets its own
        namespace, database and API keys.
      </Typography>
    </ContentHeader>
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <HealthCard />
      </Grid>
    </Grid>
  </Content>
);
