import { Header, Page } from '@backstage/core-components';
import { SupaControlRouter } from '../Router';

/** The SupaControl pages with their own header, for apps on the legacy frontend system. */
export const SupaControlPage = () => (
  <Page themeId="tool">
    <Header
      title="SupaControl"
      subtitle="Supabase instances on Kubernetes, on demand"
    />
    <SupaControlRouter />
  </Page>
);
