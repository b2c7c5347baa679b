export { SupaControlRouter } from './SupaControlRouter';
