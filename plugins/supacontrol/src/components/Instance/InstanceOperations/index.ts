export { InstanceOperations } from './InstanceOperations';
