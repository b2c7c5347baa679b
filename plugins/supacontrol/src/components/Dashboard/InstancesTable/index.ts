export { InstancesTable } from './InstancesTable';
