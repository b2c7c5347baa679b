export { SupaControlPage } from './SupaControlPage';
export { SupaControlContent } from './SupaControlContent';
