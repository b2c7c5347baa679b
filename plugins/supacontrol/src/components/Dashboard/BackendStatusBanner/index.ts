export { BackendStatusBanner } from './BackendStatusBanner';
