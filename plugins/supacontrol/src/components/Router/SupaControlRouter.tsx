import { Route, Routes } from 'react-router-dom';
import { DashboardPage } from '../Dashboard/DashboardPage';
import { InstancePage } from '../Instance/InstancePage';
import { SettingsPage } from '../Settings/SettingsPage';

/**
 * The plugin's pages below its mount point (`/supacontrol`). Both frontend systems render it; the
 * paths match the sub route refs in `routes.ts`.
 */
export const SupaControlRouter = () => (
  <Routes>
    <Route path="/" element={<DashboardPage />} />
    <Route path="/instances/:name" element={<InstancePage />} />
    <Route path="/settings" element={<SettingsPage />} />
  </Routes>
);
