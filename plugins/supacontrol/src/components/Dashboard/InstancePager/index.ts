export { InstancePager } from './InstancePager';
