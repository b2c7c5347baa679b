export { InstanceDetails } from './InstanceDetails';
