export { SupaControlPage } from './SupaControlPage';
