export { InstanceStatusChip, STATUS_DESCRIPTIONS } from './InstanceStatusChip';
