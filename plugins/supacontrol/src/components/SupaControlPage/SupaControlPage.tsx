import { Header, Page } from '@backstage/core-components';
import { SupaControlContent } from './SupaControlContent';

/** The SupaControl page with its own header, for apps on the legacy frontend system. */
export const SupaControlPage = () => (
  <Page themeId="tool">
    <Header
      title="SupaControl"
      subtitle="Supabase instances on Kubernetes, on demand"
    />
    <SupaControlContent />
  </Page>
);
